// Cookie settings for Better Auth. Pure, unit-tested.
// Over https every Atrium cookie is `__Host-atrium.<name>`: Secure, Path=/, no Domain, so no sibling host
// or plain-http page can set or overwrite it. Over http (local mode only) the prefix is not allowed.
export function sessionCookieSettings(portalUrl: string) {
  const https = portalUrl.startsWith("https://");
  return {
    cookiePrefix: https ? "__Host-atrium" : "atrium",
    // Better Auth's own switch would add `__Secure-`; the `__Host-` prefix above is stricter.
    useSecureCookies: false,
    defaultCookieAttributes: { httpOnly: true, sameSite: "lax" as const, secure: https, path: "/" },
  };
}
