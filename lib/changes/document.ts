/**
 * A workspace set's document (`SetDocument`: the plan input without the settings, which are loaded fresh when
 * planning) and the pure operations on it: applying a change's input, and rebasing a change drafted against an
 * older version onto the set's current document. Pure module.
 */
import { orderedEnvironments } from "@/lib/plan/build-plan";
import type { PlanInput, PlanMember, PlanSettings } from "@/lib/plan/types";
import { addFieldError, type FieldErrors } from "@/lib/validation/field-errors";
import type { ChangeDocumentInput } from "./schemas";

export type SetDocument = Omit<PlanInput, "settings">;

export function documentOf(input: PlanInput): SetDocument {
  const { settings: _settings, ...doc } = input;
  return doc;
}

export function planInputOf(doc: SetDocument, settings: PlanSettings): PlanInput {
  return { ...doc, settings };
}

const key = (email: string) => email.toLowerCase();

/** A person of the directory, by e-mail, as the plan needs them (null when unknown, disabled or without object id). */
export type ResolveMember = (email: string) => Omit<PlanMember, "role"> | { error: string };

/**
 * The desired document after a change: every field the input names replaces the current value; `members` replaces
 * the list, `addMembers` / `removeMembers` edit it. Unknown people are field errors keyed like the input.
 */
export function applyChangeInput(
  current: SetDocument,
  input: ChangeDocumentInput,
  resolve: ResolveMember,
): { ok: true; doc: SetDocument } | { ok: false; fieldErrors: FieldErrors } {
  const errors: FieldErrors = {};
  const byEmail = new Map(current.members.map((m) => [key(m.email), m]));
  const member = (field: string, email: string, role: PlanMember["role"]): PlanMember | null => {
    const known = byEmail.get(key(email));
    if (known) return { ...known, role };
    const r = resolve(email);
    if ("error" in r) {
      addFieldError(errors, field, r.error);
      return null;
    }
    return { ...r, role };
  };
  let members: PlanMember[] = current.members;
  if (input.members) members = input.members.flatMap((m, i) => member(`members.${i}.email`, m.email, m.role) ?? []);
  if (input.removeMembers) {
    const gone = new Set(input.removeMembers.map(key));
    input.removeMembers.forEach((email, i) => {
      if (!members.some((m) => key(m.email) === key(email)))
        addFieldError(errors, `removeMembers.${i}`, `${email} is not a member of this workspace set.`);
    });
    members = members.filter((m) => !gone.has(key(m.email)));
  }
  if (input.addMembers) {
    input.addMembers.forEach((m, i) => {
      const at = members.findIndex((x) => key(x.email) === key(m.email));
      if (at >= 0 && members[at].role === m.role) {
        addFieldError(errors, `addMembers.${i}.email`, `${m.email} is already a member with this role.`);
        return;
      }
      const resolved = member(`addMembers.${i}.email`, m.email, m.role);
      if (!resolved) return;
      members = at >= 0 ? members.map((x, j) => (j === at ? resolved : x)) : [...members, resolved];
    });
  }
  if (members.length === 0)
    addFieldError(errors, "members", "A workspace set keeps at least one member; ask for a decommission instead.");
  if (Object.keys(errors).length > 0) return { ok: false, fieldErrors: errors };
  return {
    ok: true,
    doc: {
      ...current,
      environments: orderedEnvironments(input.environments ?? current.environments),
      visibility: input.visibility ?? current.visibility,
      restriction: input.restriction ?? current.restriction,
      members,
      compute: input.compute ?? current.compute,
      gitRepositoryUrl: input.gitRepositoryUrl !== undefined ? input.gitRepositoryUrl : current.gitRepositoryUrl,
      costCenter: input.costCenter ?? current.costCenter,
    },
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Keyed three-way merge of a list: what `changed` did to `base` (adds, removals, edits), applied to `current`. */
function mergeList<T>(base: T[], changed: T[], current: T[], k: (t: T) => string): T[] {
  const b = new Map(base.map((x) => [k(x), x]));
  const c = new Map(changed.map((x) => [k(x), x]));
  const out = new Map(current.map((x) => [k(x), x]));
  for (const [id, x] of c) if (!b.has(id) || !same(b.get(id), x)) out.set(id, x);
  for (const id of b.keys()) if (!c.has(id)) out.delete(id);
  return [...out.values()];
}

/**
 * A change drafted against `base`, applied to the set's `current` document instead: its own differences only
 * (members by e-mail, clusters by VM size, pipelines and environments by name, other fields when it changed them).
 * When `current` is `base` the result is `changed`.
 */
export function rebaseDocument(base: SetDocument, changed: SetDocument, current: SetDocument): SetDocument {
  const pick = <T>(b: T, c: T, now: T): T => (same(b, c) ? now : c);
  const bc = base.compute;
  const cc = changed.compute;
  const nc = current.compute;
  return {
    ...current,
    environments: orderedEnvironments(mergeList(base.environments, changed.environments, current.environments, String)),
    visibility: pick(base.visibility, changed.visibility, current.visibility),
    restriction: pick(base.restriction, changed.restriction, current.restriction),
    members: mergeList(base.members, changed.members, current.members, (m) => key(m.email)),
    compute: {
      instanceVmSize: pick(bc.instanceVmSize, cc.instanceVmSize, nc.instanceVmSize),
      idleShutdownMinutes: pick(bc.idleShutdownMinutes, cc.idleShutdownMinutes, nc.idleShutdownMinutes),
      devClusters: mergeList(bc.devClusters, cc.devClusters, nc.devClusters, (c) => c.vmSize.toLowerCase()),
      pipelines: mergeList(bc.pipelines, cc.pipelines, nc.pipelines, String),
    },
    gitRepositoryUrl: pick(
      base.gitRepositoryUrl ?? null,
      changed.gitRepositoryUrl ?? null,
      current.gitRepositoryUrl ?? null,
    ),
    costCenter: pick(base.costCenter, changed.costCenter, current.costCenter),
  };
}
