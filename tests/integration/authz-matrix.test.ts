// [AUTHZ]: every server action, called by someone without its permission (or with no session),
// changes no row and records an `authz.denied` audit event. Actions are discovered from the source tree,
// so a new action is covered the moment it exists.
import { beforeAll, describe, expect, it } from "vitest";
import { declaredPermission } from "@/lib/auth/guards";
import { hasPermission } from "@/lib/auth/permissions";
import { countedDenials } from "@/lib/audit/denials";
import { actAnonymously, actAs, tableCounts } from "../support/act-as";
import { discoverActions, type DiscoveredAction as Action } from "./action-discovery";

// Sign-in and sign-out are open by nature; they are tested on their own.
const PUBLIC_ACTIONS = new Set(["signInAsPersonaAction", "signOutAction", "signInWithEntraAction"]);

const PERSONAS = [
  { label: "requester", email: "amara.okafor@contoso.com", roles: ["REQUESTER"] },
  { label: "mlops", email: "diana.reyes@contoso.com", roles: ["MLOPS"] },
  { label: "admin", email: "fatima.khan@contoso.com", roles: ["ADMIN"] },
  { label: "stakeholder", email: "hannah.schmidt@contoso.com", roles: ["STAKEHOLDER"] },
  { label: "no session", email: null, roles: [] as string[] },
];

// Plausible inputs: a form with typical fields, and a bound id first, so only authorisation stands in the way.
function junkArguments(): unknown[] {
  const form = new FormData();
  form.set("id", "00000000-0000-4000-8000-000000000000");
  form.set("reason", "x");
  return ["00000000-0000-4000-8000-000000000000", { ok: true }, form];
}

describe("[AUTHZ]: server action authorisation matrix", () => {
  let actions: Action[] = [];
  beforeAll(async () => {
    actions = await discoverActions();
  });

  it("every action except sign-in/out declares a permission through guardedAction", () => {
    expect(actions.length).toBeGreaterThan(0);
    const unguarded = actions
      .filter((a) => !PUBLIC_ACTIONS.has(a.name) && !declaredPermission(a.fn))
      .map((a) => `${a.file}#${a.name}`);
    expect(unguarded).toEqual([]);
  });

  // Every (role, action) pair counts every table twice: the matrix grows with each action and table, past the default 60 s.
  it(
    "refuses each action for each role lacking its permission and without a session: no row changes, one denial recorded",
    { timeout: 300_000 },
    async () => {
      let checked = 0;
      for (const persona of PERSONAS) {
        if (persona.email) await actAs(persona.email);
        else actAnonymously();
        for (const action of actions) {
          const permission = declaredPermission(action.fn);
          if (!permission || hasPermission(persona.roles, permission)) continue;
          const before = await tableCounts(["audit_events", "sessions"]);
          // The first few denials of a source and permission per minute are audit events, more are counted (denials.test.ts).
          const deniedBefore = await countedDenials();
          const result = (await action.fn(...junkArguments())) as { ok: boolean };
          expect(result.ok, `${action.name} as ${persona.label}`).toBe(false);
          expect(await tableCounts(["audit_events", "sessions"]), `${action.name} as ${persona.label}`).toEqual(before);
          expect(await countedDenials(), `${action.name} as ${persona.label}`).toBe(deniedBefore + 1);
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(0);
    },
  );
});
