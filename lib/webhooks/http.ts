// Posts to admin-set URLs (webhook receivers, Teams Workflows). Only http(s); redirects are not followed (a
// receiver that moved must be updated by an admin, and a redirect must not carry a signed body elsewhere).
import "server-only";

export const POST_TIMEOUT_MS = 10_000;

export type PostResult = { status: number; ok: boolean };

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** The URL as shown to admins and in logs: origin and path, without the query (Workflows put their sig= token there). */
export function displayUrl(value: string): string {
  const url = new URL(value);
  return `${url.origin}${url.pathname}`;
}

export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<PostResult> {
  if (!isHttpUrl(url)) throw new Error("Only http:// and https:// URLs are allowed.");
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "Atrium-Notifications/1", ...headers },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(POST_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return { status: response.status, ok: response.status >= 200 && response.status < 300 };
}
