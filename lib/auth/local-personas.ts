// When password-less persona sign-in may exist. Pure (no environment reads, no imports with side effects), so the
// launcher, lib/env.ts's validation, the sign-in pages and the persona action all ask the same function.
//
// A persona signs anyone in as any seeded person, admins included. That is only harmless on one's own machine:
// no directory (Entra ID) to impersonate people from, a portal reached only as http://localhost (or another
// loopback address) and a server listening only on loopback. Anywhere else it is a password-less back door, so
// it is off, and asking for it explicitly stops start-up instead of quietly opening it.

export type LocalPersonaInput = {
  nodeEnv: "development" | "test" | "production";
  /** The portal's public URL (ATRIUM_URL, or the http://HOST:PORT default). */
  portalUrl: string;
  /** The address the web server listens on (HOST). */
  listenHost: string;
  /** ATRIUM_LOCAL_PERSONAS: true/false when set, undefined when not. */
  flag: boolean | undefined;
  /** ENTRA_TENANT_ID is set: people sign in with their directory identity. */
  entraConfigured: boolean;
};

export type LocalPersonaDecision =
  | { enabled: true }
  | {
      enabled: false;
      /** Why personas cannot exist here; undefined when they were merely not asked for. */ unsafe?: string;
    };

const LOOPBACK_NAMES = new Set(["localhost", "[::1]", "::1"]);

export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/\.$/, "");
  return LOOPBACK_NAMES.has(name) || name.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Why this configuration could let strangers sign in as a persona, or undefined when it cannot. */
function unsafeReason(input: LocalPersonaInput): string | undefined {
  if (input.entraConfigured) return "Entra ID sign-in is configured (ENTRA_TENANT_ID), so people have real identities";
  let url: URL;
  try {
    url = new URL(input.portalUrl);
  } catch {
    return `the portal URL ${input.portalUrl} is not a URL`;
  }
  if (url.protocol !== "http:" || !isLoopbackHost(url.hostname)) {
    return `the portal is served at ${url.origin} (personas need an http://localhost or other loopback ATRIUM_URL)`;
  }
  if (!isLoopbackHost(input.listenHost)) {
    return `the server listens on ${input.listenHost} (HOST), reachable from other machines`;
  }
  return undefined;
}

/**
 * Personas are on only in local mode (no Entra ID) with a loopback http URL and listen address. In development
 * they are on by default there; a production build needs ATRIUM_LOCAL_PERSONAS=1, which the launcher sets for
 * the embedded default. ATRIUM_LOCAL_PERSONAS=0 always turns them off.
 */
export function localPersonaDecision(input: LocalPersonaInput): LocalPersonaDecision {
  const unsafe = unsafeReason(input);
  if (unsafe) return { enabled: false, unsafe };
  if (input.flag === false) return { enabled: false };
  if (input.nodeEnv === "production" && input.flag !== true) return { enabled: false };
  return { enabled: true };
}

/** The start-up refusal: set when personas were asked for (ATRIUM_LOCAL_PERSONAS=1) where they cannot be safe. */
export function localPersonaRefusal(input: LocalPersonaInput): string | undefined {
  const decision = localPersonaDecision(input);
  if (input.flag !== true || decision.enabled || !decision.unsafe) return undefined;
  return `password-less persona sign-in cannot be turned on here: ${decision.unsafe}. Unset ATRIUM_LOCAL_PERSONAS (or set it to 0).`;
}

/** The request was addressed to a loopback name (its Host header), not to some other name that resolves here. */
export function isLoopbackRequestHost(hostHeader: string | null): boolean {
  if (!hostHeader) return false;
  try {
    return isLoopbackHost(new URL(`http://${hostHeader}`).hostname);
  } catch {
    return false;
  }
}
