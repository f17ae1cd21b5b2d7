export function EntraSignInButton() {
  return null;
}
