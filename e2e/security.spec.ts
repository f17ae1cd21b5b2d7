import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { E2E } from "./support/env";
import { PEOPLE, signInAs } from "./support/helpers";

// Security headers are set per request by proxy.ts: a CSP whose script-src is a fresh nonce (no 'unsafe-inline'),
// and HSTS whenever the server was started with an https ATRIUM_URL, on the build that already exists.

declare global {
  interface Window {
    cspViolations: string[];
  }
}

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchCspViolations(page: Page): Promise<string[]> {
  const messages: string[] = [];
  page.on("console", (message) => {
    if (/content security policy/i.test(message.text())) messages.push(message.text());
  });
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      window.cspViolations.push(
        `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`,
      ),
    );
  });
  return messages;
}

const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];

test("[HEADERS]: pages run under a per-request nonce CSP without 'unsafe-inline' scripts", async ({ page }) => {
  const consoleViolations = await watchCspViolations(page);
  await signInAs(page, PEOPLE.requester);

  const first = await page.goto("/requests/new");
  const csp = first!.headers()["content-security-policy"];
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(first!.headers()["strict-transport-security"]).toBeUndefined(); // http://127.0.0.1: no HSTS

  // Next.js put this response's nonce on every script tag it rendered (scripts its runtime adds later are trusted
  // through 'strict-dynamic'); the next response has another nonce.
  const nonce = nonceOf(csp);
  const scriptTags = (await first!.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(scriptTags.length).toBeGreaterThan(0);
  expect(scriptTags.filter((tag) => !tag.includes(` nonce="${nonce}"`))).toEqual([]);
  const second = await page.request.get("/requests/new");
  expect(nonceOf(second.headers()["content-security-policy"])).not.toBe(nonce);

  // React hydrated: choosing a project fills in its cost centre on the client.
  await page.getByRole("radio", { name: /^Project/ }).check();
  await page.getByRole("combobox", { name: "Team" }).selectOption({ label: "Fraud Analytics" });
  await page.getByRole("combobox", { name: "Project" }).selectOption({ label: "Fraud ring graph analysis" });
  await expect(page.getByLabel("Cost centre")).toHaveValue("CC-4120");

  // Client-side navigation loads further chunks, trusted through 'strict-dynamic'.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My requests" }).click();
  await expect(page).toHaveURL(/\/requests$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  expect(consoleViolations).toEqual([]);
});

test("[HEADERS]: API routes get the headers and pass through the proxy unchanged", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  expect(response.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});

// The reproduction: an existing build started with an https ATRIUM_URL (TLS ends at a reverse proxy in front of
// it). A second server on the same build, so the suite's own portal keeps its http URL and personas.
test.describe("[HEADERS]: an existing build started with an https ATRIUM_URL", () => {
  const port = E2E.port + 17;
  const origin = `http://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;

  test.beforeAll(async () => {
    server = spawn(path.resolve("node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next",
        ATRIUM_URL: "https://atrium.contoso.example",
        HOST: "127.0.0.1",
        PORT: String(port),
        ATRIUM_LOCAL_PERSONAS: "",
        BETTER_AUTH_SECRET: "e2e-https-url-secret-0123456789abcdef",
        DATABASE_URL: E2E.databaseUrl,
        ATRIUM_WORKER_IN_PROCESS: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // `next start` prints "Ready" once it accepts connections.
    await new Promise<void>((resolve, reject) => {
      let output = "";
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Ready in/.test(output)) resolve();
      };
      server!.stdout!.on("data", onData);
      server!.stderr!.on("data", onData);
      server!.once("exit", (code) => reject(new Error(`next start exited (${code}):\n${output}`)));
    });
  });

  test.afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
  });

  test("sends HSTS and upgrades requests on pages and API routes", async ({ request }) => {
    for (const url of [`${origin}/sign-in`, `${origin}/api/auth/update-user`]) {
      const response = await request.get(url, { maxRedirects: 0 });
      expect(response.headers()["strict-transport-security"], url).toMatch(/max-age=63072000/);
      expect(response.headers()["content-security-policy"], url).toContain("upgrade-insecure-requests");
    }
  });

  test("has no password-less persona sign-in", async ({ request }) => {
    const response = await request.get(`${origin}/sign-in/local`, { maxRedirects: 0 });
    expect(response.status()).toBe(404);
    const signIn = await request.get(`${origin}/sign-in`, { maxRedirects: 0 });
    expect(signIn.status()).toBe(200);
    expect(await signIn.text()).not.toContain("Sign in as a local persona");
  });
});
