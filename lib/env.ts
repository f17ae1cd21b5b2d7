// The one place that reads process.env. Every variable is validated here; a bad value stops start-up with a
// message that names the variable. `.env.example` lists every variable with its default.
import { z } from "zod";
import { localPersonaDecision, localPersonaRefusal, type LocalPersonaInput } from "./auth/local-personas";

const flag = z
  .enum(["0", "1", "true", "false"])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === "1" || v === "true"));

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgresql:// URL" }).optional(),
    // The owner role that runs migrations (and grants DATABASE_URL's role what the app needs); unset = DATABASE_URL.
    DATABASE_MIGRATION_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgresql:// URL" }).optional(),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(5488),
    EMBEDDED_PG_DIR: z.string().min(1).default(".data/postgres"),
    EMBEDDED_PG_DATABASE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, "must be a lower-case database name")
      .default("atrium"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().min(1).default("localhost"),
    // Node.js processes serving the production build (scripts/start.ts): 1 = `next start`, more = scripts/serve-cluster.mjs.
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
    ATRIUM_URL: z.url({ error: "must be the portal's public URL, e.g. https://atrium.contoso.com" }).optional(),
    BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    ATRIUM_LOCAL_PERSONAS: flag,
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(8 * 60),
    SESSION_ABSOLUTE_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    AZURE_MODE: z.enum(["simulator", "azure"]).default("simulator"),
    ARM_SIMULATOR_URL: z.url({ protocol: /^https$/, error: "must be an https:// URL" }).optional(),
    ARM_SIMULATOR_CA_FILE: z.string().optional(),
    ARM_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
    ARM_SIMULATOR_TIME_SCALE: z.coerce.number().min(0).max(10).default(0.05),
    ARM_SIMULATOR_STATE_FILE: z.string().optional(),
    ATRIUM_WORKER_IN_PROCESS: flag,
    // Provisioning engine (lib/provisioning): runs a worker process takes at once, steps a run executes in parallel,
    // poll interval of long-running operations without Retry-After, and per-step retries of transient Azure errors.
    ATRIUM_WORKER_JOBS: z.coerce.number().int().min(1).max(50).default(4),
    // Connections of this process's Prisma pool (README: PostgreSQL connections).
    ATRIUM_DB_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(10),
    ATRIUM_PROVISION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    ATRIUM_PROVISION_POLL_MS: z.coerce.number().int().min(1).max(60_000).default(2000),
    ATRIUM_PROVISION_STEP_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    // Seconds between a worker's supervisor passes (the heartbeat monitor that frees a crashed worker's jobs).
    ATRIUM_WORKER_MONITOR_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
    ATRIUM_PROVISION_RETRY_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
    ATRIUM_DEMO_SEED: flag,
    // REST API (lib/api): calls per token per minute; over it a 429 with Retry-After.
    ATRIUM_API_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(600),
    // Audit trail (lib/audit/README.md): the HMAC key kept outside the database, and where chain-head checkpoints go.
    AUDIT_HMAC_KEY: z.string().min(32, "must be at least 32 characters").optional(),
    // Unset: beside the embedded cluster's data, or .data/audit-checkpoints/<host>-<port>-<database> for DATABASE_URL.
    AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
    // Microsoft Entra ID sign-in (all unset = Entra sign-in off). See README "Sign-in with Microsoft Entra ID".
    ENTRA_TENANT_ID: z.uuid({ error: "must be the directory (tenant) id, a GUID" }).optional(),
    ENTRA_CLIENT_ID: z.string().min(1).max(200).optional(),
    ENTRA_CLIENT_SECRET: z.string().min(1).optional(),
    ENTRA_CLIENT_CERTIFICATE_FILE: z.string().min(1).optional(),
    ENTRA_AUTHORITY_HOST: z
      .url({ error: "must be a URL such as https://login.microsoftonline.com" })
      .refine(
        (u) => u.startsWith("https://") || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(u),
        "must be https:// (http:// only on localhost)",
      )
      .default("https://login.microsoftonline.com"),
    ENTRA_REDIRECT_URL: z.url({ error: "must be <ATRIUM_URL>/api/auth/callback/entra" }).optional(),
    ENTRA_APP_ROLE_MAP: z
      .string()
      .default("Atrium.Requester=REQUESTER,Atrium.MLOps=MLOPS,Atrium.Admin=ADMIN,Atrium.Stakeholder=STAKEHOLDER"),
    ENTRA_GROUP_ROLE_MAP: z.string().default(""),
    // Notifications (lib/notifications). Unset SMTP_URL: mail is caught and shown to admins at /admin/mail.
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
    MAIL_FROM: z.string().min(3).default("Atrium <atrium@localhost>"),
    // base64 of 32 bytes: encrypts webhook and Teams secrets. Unset in local mode: generated into .data/secrets-key.
    ATRIUM_SECRETS_KEY: z
      .string()
      .refine((v) => Buffer.from(v, "base64").length === 32, "must be the base64 of 32 random bytes")
      .optional(),
  })
  .superRefine((e, ctx) => {
    // Asking for password-less personas where strangers could use them stops start-up (every process reads this).
    const personaRefusal = localPersonaRefusal(personaInput(e));
    if (personaRefusal) ctx.addIssue({ code: "custom", path: ["ATRIUM_LOCAL_PERSONAS"], message: personaRefusal });
    // Entra sign-in is all or nothing: a tenant needs its app registration and one credential.
    if (!e.ENTRA_TENANT_ID) return;
    if (!e.ENTRA_CLIENT_ID)
      ctx.addIssue({
        code: "custom",
        path: ["ENTRA_CLIENT_ID"],
        message: "must be set when ENTRA_TENANT_ID is set (the app registration's client id)",
      });
    if (!e.ENTRA_CLIENT_SECRET === !e.ENTRA_CLIENT_CERTIFICATE_FILE) {
      ctx.addIssue({
        code: "custom",
        path: ["ENTRA_CLIENT_SECRET"],
        message: "set exactly one of ENTRA_CLIENT_SECRET or ENTRA_CLIENT_CERTIFICATE_FILE when ENTRA_TENANT_ID is set",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v === "" ? undefined : v]));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}\nFix these variables (see .env.example).`);
  }
  return result.data;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Re-reads process.env (the launcher calls this after filling in what it owns, e.g. DATABASE_URL). */
export function reloadEnv(): Env {
  cached = parseEnv(process.env);
  return cached;
}

function personaInput(
  e: Pick<Env, "NODE_ENV" | "ATRIUM_URL" | "HOST" | "PORT" | "ATRIUM_LOCAL_PERSONAS" | "ENTRA_TENANT_ID">,
): LocalPersonaInput {
  return {
    nodeEnv: e.NODE_ENV,
    portalUrl: portalUrl(e),
    listenHost: e.HOST,
    flag: e.ATRIUM_LOCAL_PERSONAS,
    entraConfigured: Boolean(e.ENTRA_TENANT_ID),
  };
}

/** Password-less persona sign-in is available (the rule is lib/auth/local-personas.ts). */
export function localPersonasEnabled(e: Env = env()): boolean {
  return localPersonaDecision(personaInput(e)).enabled;
}

/** Whether personas would be safe here if asked for (the launcher asks for them in the embedded default). */
export function localPersonasPermitted(e: Env = env()): boolean {
  return localPersonaDecision(personaInput({ ...e, ATRIUM_LOCAL_PERSONAS: true })).enabled;
}

export function portalUrl(e: Pick<Env, "ATRIUM_URL" | "HOST" | "PORT"> = env()): string {
  return e.ATRIUM_URL ?? `http://${e.HOST}:${e.PORT}`;
}

export function databaseUrl(e: Env = env()): string {
  if (!e.DATABASE_URL) {
    throw new EnvError(
      "DATABASE_URL is not set. Start Atrium with `npm start` (embedded PostgreSQL) or set DATABASE_URL.",
    );
  }
  return e.DATABASE_URL;
}

/** The simulator's state file: unset → .data/simulator/state.json; set but empty (or "none") → in memory only. */
export function simulatorStateFile(e: Env = env()): string | null {
  if (process.env.ARM_SIMULATOR_STATE_FILE === "" || e.ARM_SIMULATOR_STATE_FILE === "none") return null;
  return e.ARM_SIMULATOR_STATE_FILE ?? ".data/simulator/state.json";
}
