// [SET PAGE / CHANGE REVIEW]: the workspace set page and the change form's review (POST …/change-plan), authorised
// per set: the set's team and the people it names see it and may review a change; a requester of another team
// neither sees the set nor reviews a change of it (404, as for a set that does not exist); roles that may not
// change sets get 403. The review is the exact change plan with its approval need, and stores nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import SetPage from "@/app/(portal)/workspace-sets/[id]/page";
import { POST as changePlanRoute } from "@/app/(portal)/workspace-sets/[id]/change-plan/route";
import { db } from "@/lib/db/client";
import { ensureWorkspaceSet, loadWorkspaceSet } from "@/lib/changes/sets";
import { previewChange } from "@/lib/changes/preview";
import { submitChangeAction } from "@/lib/changes/actions";
import { createSubmittedRequest } from "@/lib/db/request-fixtures";
import { actAnonymously, actAs, tableCounts } from "../support/act-as";
import { resolveServerTree } from "./authz-render";

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "1";

const AMARA = { id: "usr-amara", roles: ["REQUESTER" as const], teamIds: [] as string[] };
const CHEN = { id: "usr-chen", roles: ["REQUESTER" as const], teamIds: [] as string[] };
let setId: string;

/** The change form's fields for the set as it is, with `members` instead of its members. */
function form(members: { email: string; role: string }[], baseVersion = 1): FormData {
  const f = new FormData();
  f.set("baseVersion", String(baseVersion));
  members.forEach((m, i) => {
    f.set(`members.${i}.email`, m.email);
    f.set(`members.${i}.role`, m.role);
  });
  return f;
}
const fields = (f: FormData) => Object.fromEntries([...f.entries()].map(([k, v]) => [k, v as string]));
const nest = (f: FormData) => {
  const members: { email: string; role: string }[] = [];
  for (const [k, v] of f.entries()) {
    const m = /^members\.(\d+)\.(email|role)$/.exec(k);
    if (m) (members[Number(m[1])] ??= { email: "", role: "" })[m[2] as "email" | "role"] = v as string;
  }
  return { baseVersion: f.get("baseVersion"), members };
};

const post = (id: string, body: FormData | null) =>
  changePlanRoute(
    new NextRequest(new URL(`/workspace-sets/${id}/change-plan`, "http://localhost"), {
      method: "POST",
      ...(body ? { body } : {}),
    }),
    { params: Promise.resolve({ id }) },
  );

const openPage = async (id: string) => {
  try {
    await resolveServerTree(await SetPage({ params: Promise.resolve({ id }) }));
    return "opens";
  } catch (error) {
    return (error as { digest?: string }).digest ?? String(error);
  }
};

beforeAll(async () => {
  const [fraud, insights] = await Promise.all([
    db.team.findUniqueOrThrow({ where: { slug: "fraud" } }),
    db.team.findUniqueOrThrow({ where: { slug: "insights" } }),
  ]);
  AMARA.teamIds = [fraud.id];
  CHEN.teamIds = [insights.id];
  const request = await createSubmittedRequest(db, {
    requesterId: "usr-amara",
    pattern: "PROJECT",
    team: "fraud",
    project: "fraudgraph",
    environments: ["DEV"],
    visibility: "PUBLIC",
    restriction: "RESTRICTED",
    region: "westeurope",
    members: [{ userId: "usr-amara", role: "DATA_SCIENTIST" }],
    compute: { instanceVmSize: "Standard_DS3_v2", idleShutdownMinutes: 60, devClusters: [], pipelines: [] },
    costCenter: "CC-4120",
    justification: "Graph analysis of fraud rings across card and account data.",
  });
  await db.workspaceRequest.update({
    where: { id: request.id },
    data: { status: "PROVISIONED", approvedAt: new Date(), provisionedAt: new Date() },
  });
  setId = (await ensureWorkspaceSet(request.id)).id;
});

describe("[SET PAGE]: who sees a workspace set", () => {
  it("opens for the set's team, its admins and stakeholders; not found for another team's requester", async () => {
    for (const email of ["amara.okafor@contoso.com", "ben.carter@contoso.com", "fatima.khan@contoso.com"]) {
      await actAs(email);
      expect(await openPage(setId), email).toBe("opens");
    }
    await actAs("hannah.schmidt@contoso.com");
    expect(await openPage(setId)).toBe("opens");
    await actAs("chen.wei@contoso.com");
    expect(await openPage(setId)).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
    expect(await openPage("00000000-0000-4000-8000-000000000000")).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
    actAnonymously();
    expect(await openPage(setId)).toMatch(/^NEXT_REDIRECT;.*\/sign-in/);
  });
});

describe("[CHANGE REVIEW]: the exact plan before submitting", () => {
  it("adding a colleague: creates their compute instance and role assignment, needs the admin, stores nothing", async () => {
    const before = await tableCounts(["sessions", "audit_events"]);
    const preview = await previewChange(
      AMARA,
      setId,
      nest(
        form([
          { email: "amara.okafor@contoso.com", role: "dataScientist" },
          { email: "ben.carter@contoso.com", role: "dataScientist" },
        ]),
      ),
    );
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.approval.need).toBe("admin");
    expect(preview.changes.map((c) => c.kind)).toEqual(["addMember"]);
    expect(preview.steps.every((s) => s.op === "create" || s.op === "update")).toBe(true);
    expect(preview.steps.some((s) => s.kind === "computeInstance" && s.name.startsWith("ci-bencart-"))).toBe(true);
    expect(preview.steps.some((s) => s.kind === "roleAssignment" && s.op === "create")).toBe(true);
    expect(preview.costDelta.monthly).toBeGreaterThan(0);
    expect(await tableCounts(["sessions", "audit_events"])).toEqual(before);
  });

  it("through the route: the form's fields in, the plan out; another team's requester gets 404, a stakeholder 403", async () => {
    const body = form([
      { email: "amara.okafor@contoso.com", role: "dataScientist" },
      { email: "ben.carter@contoso.com", role: "dataEngineer" },
    ]);
    await actAs("amara.okafor@contoso.com");
    const ok = await post(setId, body);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { ok: boolean }).ok).toBe(true);
    await actAs("chen.wei@contoso.com");
    expect((await post(setId, body)).status).toBe(404);
    await expect(previewChange(CHEN, setId, fields(body))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await actAs("hannah.schmidt@contoso.com");
    expect((await post(setId, body)).status).toBe(403);
    actAnonymously();
    expect((await post(setId, body)).status).toBe(401);
    await actAs("amara.okafor@contoso.com");
    expect((await post(setId, null)).status).toBe(400);
    expect((await post("not-a-uuid", body)).status).toBe(404);
  });

  it("answers with field messages, a stale version's message, or 'changes nothing'", async () => {
    const unknown = await previewChange(
      AMARA,
      setId,
      nest(
        form([
          { email: "amara.okafor@contoso.com", role: "dataScientist" },
          { email: "nobody@contoso.com", role: "dataScientist" },
        ]),
      ),
    );
    expect(unknown).toMatchObject({
      ok: false,
      fieldErrors: { "members.1.email": [expect.stringMatching(/directory/)] },
    });
    const noah = await previewChange(
      AMARA,
      setId,
      nest(form([{ email: "noah.fischer@partner.example", role: "dataScientist" }])),
    );
    expect(noah).toMatchObject({ ok: false, fieldErrors: { "members.0.email": [expect.stringMatching(/Entra/)] } });
    const stale = await previewChange(
      AMARA,
      setId,
      nest(form([{ email: "amara.okafor@contoso.com", role: "mlops" }], 7)),
    );
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.message).toMatch(/version 1, not 7/);
    const nothing = await previewChange(
      AMARA,
      setId,
      nest(form([{ email: "amara.okafor@contoso.com", role: "dataScientist" }])),
    );
    expect(nothing).toMatchObject({ ok: false, message: expect.stringMatching(/changes nothing/) });
  });
});

describe("[CHANGE FORM]: submitting what was reviewed", () => {
  it("another team's requester can't change the set (nothing stored); its requester submits, and the page lists it", async () => {
    const body = form([
      { email: "amara.okafor@contoso.com", role: "dataScientist" },
      { email: "ben.carter@contoso.com", role: "dataScientist" },
    ]);
    await actAs("chen.wei@contoso.com");
    const before = await tableCounts(["sessions", "audit_events", "audit_denial_windows"]);
    const refused = await submitChangeAction(setId, { ok: true }, body);
    expect(refused).toMatchObject({
      ok: false,
      message: expect.stringMatching(/does not exist, or you may not change it/),
    });
    expect(await tableCounts(["sessions", "audit_events", "audit_denial_windows"])).toEqual(before);

    await actAs("amara.okafor@contoso.com");
    const stale = await submitChangeAction(
      setId,
      { ok: true },
      form([{ email: "amara.okafor@contoso.com", role: "mlops" }], 3),
    );
    expect(stale).toMatchObject({
      ok: false,
      fieldErrors: { baseVersion: [expect.stringMatching(/version 1, not 3/)] },
    });
    const done = await submitChangeAction(setId, { ok: true }, body);
    expect(done).toMatchObject({ ok: true, message: expect.stringMatching(/^REQ-\d{5} is submitted/) });
    const set = await loadWorkspaceSet(AMARA, setId);
    expect(set?.changes).toHaveLength(1);
    expect(set?.changes[0]).toMatchObject({ status: "SUBMITTED", changeKinds: ["addMember"], baseVersion: 1 });
    expect(await loadWorkspaceSet(CHEN, setId)).toBeNull();
    expect(await openPage(setId)).toBe("opens");
  });
});
