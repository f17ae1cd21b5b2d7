// [HOSTILE]: every server action, called by a signed-in person who holds its permission, with hostile form
// shapes (prototype paths, huge indexes, deep nesting, many fields, NUL, megabyte strings, non-form bodies).
// Afterwards the process is healthy, Object.prototype is untouched, nothing was stored, and the answer is an
// ActionState with a message, never a thrown error (a 500). Actions are discovered, so new ones are covered.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveRequestAction, rejectRequestAction } from "@/lib/approvals/actions";
import { declaredArity, declaredPermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { createSubmittedRequest } from "@/lib/db/request-fixtures";
import { checkHealth } from "@/lib/health";
import { stopProducer } from "@/lib/jobs/queue";
import { saveDraftStepAction } from "@/lib/requests/actions";
import { actAs, tableCounts } from "../support/act-as";
import { discoverActions, type DiscoveredAction } from "./action-discovery";

const PUBLIC_ACTIONS = new Set(["signInAsPersonaAction", "signOutAction", "signInWithEntraAction"]);
// Takes no input at all (verifies the chain and records that it did), so there is nothing hostile to send.
const INPUTLESS_ACTIONS = new Set(["verifyAuditChainAction"]);

const PERSONAS = [
  { email: "amara.okafor@contoso.com", roles: ["REQUESTER"] },
  { email: "diana.reyes@contoso.com", roles: ["MLOPS"] },
  { email: "fatima.khan@contoso.com", roles: ["ADMIN"] },
  { email: "hannah.schmidt@contoso.com", roles: ["STAKEHOLDER"] },
];

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
const SOME_ID = "00000000-0000-4000-8000-000000000000";
const MEGABYTE = "x".repeat(1024 * 1024);

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

/** Plausible fields, so only the hostile part stands between the action and a change. */
const PLAUSIBLE: [string, string][] = [
  ["step", "scope"],
  ["id", SOME_ID],
  ["version", "1"],
  ["pattern", "team"],
  ["team", "fraud"],
  ["costCenter", "CC-4100"],
];

const HOSTILE_FORMS: Record<string, () => FormData> = {
  "__proto__ path": () => form([...PLAUSIBLE, ["__proto__.justification", "polluted"], ["__proto__[x]", "1"]]),
  "constructor.prototype path": () => form([...PLAUSIBLE, ["constructor.prototype.polluted", "yes"]]),
  "bracketed __proto__": () => form([...PLAUSIBLE, ["a[__proto__][polluted]", "yes"]]),
  "huge index": () => form([...PLAUSIBLE, ["members.4294967294.email", "a@contoso.com"]]),
  "deep nesting": () => form([...PLAUSIBLE, [`${"a.".repeat(200)}b`, "x"]]),
  "many fields": () =>
    form([...PLAUSIBLE, ...Array.from({ length: 5000 }, (_, i) => [`f${i}`, "v"] as [string, string])]),
  "NUL everywhere": () =>
    form([
      ...PLAUSIBLE,
      ...["justification", "comment", "reason", "name", "roles"].map((k) => [k, `a\u0000b`] as [string, string]),
    ]),
  "megabyte text": () =>
    form([
      ...PLAUSIBLE,
      ...["justification", "comment", "reason", "name"].map((k) => [k, MEGABYTE] as [string, string]),
    ]),
};

/** What a hostile client can put where the form goes: any value React can serialise. */
const MALFORMED_FORMS: unknown[] = [
  "not a form",
  null,
  undefined,
  42,
  [form(PLAUSIBLE)],
  { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } },
];
/** …and where a bound id goes. */
const MALFORMED_IDS: unknown[] = [`${SOME_ID}\u0000`, { id: SOME_ID }, "y".repeat(100_000), ["__proto__"], null];

/** The argument lists to try: bound ids first (an arity-3 handler takes one), then previous state, then form. */
function layouts(action: DiscoveredAction): { label: string; args: unknown[] }[] {
  const bound = (declaredArity(action.fn) ?? 2) > 2;
  const at = (f: unknown, id: unknown = SOME_ID) => (bound ? [id, { ok: true }, f] : [{ ok: true }, f]);
  return [
    ...Object.entries(HOSTILE_FORMS).map(([label, make]) => ({ label, args: at(make()) })),
    ...MALFORMED_FORMS.map((f, i) => ({ label: `malformed form #${i}`, args: at(f) })),
    ...(bound ? MALFORMED_IDS.map((id, i) => ({ label: `malformed id #${i}`, args: at(form(PLAUSIBLE), id) })) : []),
  ];
}

type Outcome = { kind: "state"; state: { ok: boolean; message?: string; fieldErrors?: Record<string, string[]> } };

/** Calls an action; a redirect counts as success (that is how a wizard step succeeds). */
async function call(action: DiscoveredAction, args: unknown[]): Promise<Outcome | { kind: "redirect" }> {
  try {
    return { kind: "state", state: (await action.fn(...args)) as Outcome["state"] };
  } catch (error) {
    if ((error as { digest?: string }).digest?.startsWith("NEXT_REDIRECT")) return { kind: "redirect" };
    throw error;
  }
}

function expectPrototypeUntouched() {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
  const probe = {} as Record<string, unknown>;
  for (const key of ["polluted", "justification", "x", "email"]) expect(probe[key]).toBeUndefined();
}

/**
 * Every table but the bookkeeping of signing in (sessions, `session.signed_in`) and of refusals (a NOT_FOUND is
 * recorded as a denial): what is left is what an action could have stored.
 */
async function snapshot() {
  return {
    tables: await tableCounts(["sessions", "audit_events", "audit_denial_windows"]),
    audit: await db.auditEvent.count({ where: { action: { notIn: ["authz.denied", "session.signed_in"] } } }),
  };
}

async function signInFor(action: DiscoveredAction) {
  const permission = declaredPermission(action.fn)!;
  const persona = PERSONAS.find((p) => hasPermission(p.roles, permission));
  expect(persona, `${action.name}: a persona with ${permission}`).toBeDefined();
  await actAs(persona!.email);
}

describe("[HOSTILE]: hostile input to every server action", () => {
  let actions: DiscoveredAction[] = [];
  beforeAll(async () => {
    actions = (await discoverActions()).filter((a) => !PUBLIC_ACTIONS.has(a.name) && !INPUTLESS_ACTIONS.has(a.name));
  });
  afterAll(() => stopProducer());

  it("answers each hostile form and malformed body with a refusal, stores nothing and stays healthy", async () => {
    expect(actions.length).toBeGreaterThan(5);
    const before = await snapshot();
    for (const action of actions) {
      await signInFor(action);
      for (const { label, args } of layouts(action)) {
        const started = performance.now();
        const outcome = await call(action, args);
        const where = `${action.name}: ${label}`;
        expect(performance.now() - started, where).toBeLessThan(5_000);
        expect(outcome.kind, where).toBe("state");
        const state = (outcome as Outcome).state;
        expect(state.ok, where).toBe(false);
        expect(typeof state.message, where).toBe("string");
        expectPrototypeUntouched();
      }
    }
    expect(await snapshot()).toEqual(before);
    expect((await checkHealth()).status).toBe("ok");
  });

  it("property: random hostile names and values never pollute, store or throw", async () => {
    const segment = fc.constantFrom("__proto__", "constructor", "prototype", "__PROTO__", "4294967294", "0", "members");
    const name = fc
      .array(fc.tuple(segment, fc.boolean()), { minLength: 1, maxLength: 8 })
      .map((parts) => parts.map(([s, b], i) => (b ? `[${s}]` : i === 0 ? s : `.${s}`)).join(""));
    const value = fc.constantFrom("polluted", "\u0000", "a\u0007b", "\uD800", "x".repeat(20_000));
    const isHostile = ([n, v]: [string, string]) =>
      v !== "polluted" || /__proto__|constructor|prototype|4294967294/.test(n);
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...actions),
        // Benign pairs (`members=polluted`) may ride along, but every list holds at least one hostile one:
        // an action that ignores unknown fields may rightly succeed on a wholly benign form.
        fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 6 }).filter((entries) => entries.some(isHostile)),
        async (action, entries) => {
          await signInFor(action);
          const hostile = form([...PLAUSIBLE, ...entries]);
          const bound = (declaredArity(action.fn) ?? 2) > 2;
          const outcome = await call(action, bound ? [SOME_ID, { ok: true }, hostile] : [{ ok: true }, hostile]);
          expect(outcome.kind).toBe("state");
          expect((outcome as Outcome).state.ok).toBe(false);
          expectPrototypeUntouched();
        },
      ),
      { numRuns: 40 },
    );
    expect(await snapshot()).toEqual(before);
    expect((await checkHealth()).status).toBe("ok");
  });
});

describe("[HOSTILE]: the reproductions, answered with field messages", () => {
  afterAll(() => stopProducer());

  const scope = (justification: string, extra: [string, string][] = []) =>
    form([
      ["step", "scope"],
      ["draftId", ""],
      ["pattern", "team"],
      ["team", "fraud"],
      ["costCenter", "CC-4100"],
      ["justification", justification],
      ...extra,
    ]);

  async function saveScope(f: FormData) {
    await actAs("amara.okafor@contoso.com");
    const before = await snapshot();
    const outcome = await call({ file: "", name: "saveDraftStepAction", fn: saveDraftStepAction as never }, [
      { ok: true },
      f,
    ]);
    expect(outcome.kind).toBe("state");
    expect(await snapshot()).toEqual(before);
    expectPrototypeUntouched();
    expect((await checkHealth()).status).toBe("ok");
    return (outcome as Outcome).state;
  }

  it("a wizard field named __proto__.justification or constructor.prototype.x writes nothing to Object.prototype", async () => {
    const valid = "Fraud model experiments for the card portfolio.";
    for (const name of ["__proto__.justification", "constructor.prototype.x", "a[__proto__][x]"]) {
      const state = await saveScope(scope(valid, [[name, "polluted"]]));
      expect(state).toMatchObject({ ok: false, fieldErrors: { "": ["A field name is not allowed."] } });
    }
  });

  it("members.4294967294.email is refused at once, and the health check answers meanwhile", async () => {
    const f = scope("Fraud model experiments for the card portfolio.", [["members.4294967294.email", "a@contoso.com"]]);
    const started = performance.now();
    const [state, health] = await Promise.all([saveScope(f), checkHealth()]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(health.status).toBe("ok");
    expect(state.fieldErrors).toEqual({ members: ["A list here has at most 200 entries."] });
  });

  it("a NUL byte, a 1 MB text and a justification of zero-width spaces get field messages, not a 500", async () => {
    expect((await saveScope(scope("Fraud models\u0000 for the card portfolio."))).fieldErrors).toEqual({
      justification: ["Remove the control characters (such as NUL) from this text."],
    });
    expect((await saveScope(scope(MEGABYTE))).fieldErrors).toEqual({
      justification: ["This text is too long (over 10,000 characters)."],
    });
    expect((await saveScope(scope("\u200B".repeat(40)))).fieldErrors).toEqual({
      justification: ["Explain why the workspaces are needed (at least 20 characters)."],
    });
  });

  it("a NUL byte in an approval comment or a rejection reason gets a field message and changes nothing", async () => {
    const req = await createSubmittedRequest(db, {
      requesterId: "usr-amara",
      pattern: "TEAM",
      team: "fraud",
      environments: ["DEV"],
      visibility: "PUBLIC",
      restriction: "RESTRICTED",
      region: "westeurope",
      members: [{ userId: "usr-amara", role: "DATA_SCIENTIST" }],
      costCenter: "CC-4100",
      justification: "Fraud model experiments for the card portfolio.",
    });
    await actAs("fatima.khan@contoso.com");
    const decision = (field: string, value: string) =>
      form([
        ["version", String(req.version)],
        ["planHash", req.planHash!],
        [field, value],
      ]);
    const before = await snapshot();
    const approved = await approveRequestAction(req.id, { ok: true }, decision("comment", "Looks fine\u0000"));
    expect(approved).toMatchObject({
      ok: false,
      fieldErrors: { comment: [expect.stringMatching(/control characters/)] },
    });
    const rejected = await rejectRequestAction(
      req.id,
      { ok: true },
      decision("reason", "Not needed\u0000 at all, sorry"),
    );
    expect(rejected).toMatchObject({
      ok: false,
      fieldErrors: { reason: [expect.stringMatching(/control characters/)] },
    });
    const invisible = await rejectRequestAction(req.id, { ok: true }, decision("reason", "\u2060".repeat(30)));
    expect(invisible).toMatchObject({ ok: false, fieldErrors: { reason: [expect.stringMatching(/at least 10/)] } });
    expect(await snapshot()).toEqual(before);
    expect(await db.workspaceRequest.findUniqueOrThrow({ where: { id: req.id } })).toMatchObject({
      status: "SUBMITTED",
    });
  });
});
