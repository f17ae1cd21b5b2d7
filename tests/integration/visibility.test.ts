// [VISIBILITY]: one rule per object (lib/access/visibility.ts), the same wherever the object is read — the
// request page, the history, the timeline, the approval panel, provisioning progress, the runs list, the
// workspace page and the history export. Tested as persona × request state, with a run and a workspace.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { canSeeRequest } from "@/lib/access/visibility";
import { getApprovalPanel } from "@/lib/approvals/queries";
import type { PortalRoleName } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { historyExportStream } from "@/lib/history/export";
import { parseHistoryFilters } from "@/lib/history/filters";
import { getHistoryRequest, listHistory } from "@/lib/history/queries";
import { getRequestTimeline } from "@/lib/history/timeline";
import { getWorkspaceView } from "@/lib/history/workspaces";
import { getProvisioningProgress, listRuns } from "@/lib/provisioning/queries";
import { getRequestForViewer } from "@/lib/requests/queries";
import RequestPage from "@/app/(portal)/requests/[id]/page";
import HistoryRequestPage from "@/app/(portal)/history/[id]/page";
import WorkspacePage from "@/app/(portal)/workspaces/[id]/page";
import ApprovalPage from "@/app/(portal)/approvals/[id]/page";
import { hasPermission } from "@/lib/auth/permissions";
import { actAs } from "../support/act-as";
import { resolveServerTree } from "./authz-render";

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "1";

// Every request below is Amara's, for the fraud team, and names Chen (insights) as a member.
const PEOPLE = {
  owner: "usr-amara", // requester, fraud
  teammate: "usr-ben", // requester, fraud
  mlops: "usr-diana", // MLOps, fraud
  member: "usr-chen", // requester, insights — named on the request
  outsider: "usr-erik", // MLOps + requester, insights — not named
  admin: "usr-fatima",
  stakeholder: "usr-hannah",
} as const;
type PersonaKey = keyof typeof PEOPLE;

const STATES = ["draft", "discarded draft", "submitted", "provisioned"] as const;
type State = (typeof STATES)[number];

// The product rule, written out by hand: a never-submitted request is its requester's alone; a submitted one
// is seen by its requester, its members, the team's readers and the readers of everything — not by others.
const EXPECTED: Record<State, readonly PersonaKey[]> = {
  draft: ["owner"],
  "discarded draft": ["owner"],
  submitted: ["owner", "teammate", "mlops", "member", "admin", "stakeholder"],
  provisioned: ["owner", "teammate", "mlops", "member", "admin", "stakeholder"],
};

type Fixture = { id: string; state: State; runId?: string; workspaceId?: string };
const fixtures: Fixture[] = [];
const viewers = {} as Record<PersonaKey, SessionUser>;

async function viewer(id: string): Promise<SessionUser> {
  const u = await db.user.findUniqueOrThrow({
    where: { id },
    select: { name: true, email: true, roles: true, teamMemberships: { select: { teamId: true } } },
  });
  return {
    id,
    name: u.name,
    email: u.email,
    roles: u.roles as PortalRoleName[],
    teamIds: u.teamMemberships.map((m) => m.teamId),
    entraObjectId: null,
    sessionId: "visibility-test",
  };
}

async function createRequest(state: State, teamId: string): Promise<Fixture> {
  const submittedAt = state === "submitted" || state === "provisioned" ? new Date() : null;
  const status = { draft: "DRAFT", "discarded draft": "CANCELLED", submitted: "SUBMITTED", provisioned: "PROVISIONED" }[
    state
  ] as "DRAFT" | "CANCELLED" | "SUBMITTED" | "PROVISIONED";
  const request = await db.workspaceRequest.create({
    data: {
      requesterId: PEOPLE.owner,
      status,
      teamId,
      pattern: "TEAM",
      scopeSlug: "fraud",
      environments: ["DEV"],
      region: "westeurope",
      submittedAt,
      closedAt: state === "discarded draft" ? new Date() : null,
      members: { create: [{ userId: PEOPLE.member, role: "DATA_SCIENTIST" }] },
    },
    select: { id: true },
  });
  if (state !== "provisioned") return { id: request.id, state };
  const run = await db.provisioningRun.create({
    data: { requestId: request.id, attempt: 1, status: "SUCCEEDED" },
    select: { id: true },
  });
  const workspace = await db.workspace.create({
    data: {
      requestId: request.id,
      environment: "DEV",
      armId: `/subscriptions/x/resourceGroups/rg-fraud-dev/providers/Microsoft.MachineLearningServices/workspaces/${randomUUID()}`,
      name: "mlw-fraud-dev",
      region: "westeurope",
      scopeSlug: "fraud",
      teamId,
    },
    select: { id: true },
  });
  return { id: request.id, state, runId: run.id, workspaceId: workspace.id };
}

beforeAll(async () => {
  const fraud = await db.team.findUniqueOrThrow({ where: { slug: "fraud" }, select: { id: true } });
  for (const state of STATES) fixtures.push(await createRequest(state, fraud.id));
  for (const key of Object.keys(PEOPLE) as PersonaKey[]) viewers[key] = await viewer(PEOPLE[key]);
});

const cases = () =>
  fixtures.flatMap((f) =>
    (Object.keys(PEOPLE) as PersonaKey[]).map((p) => ({
      f,
      p,
      user: viewers[p],
      visible: EXPECTED[f.state].includes(p),
      submitted: f.state === "submitted" || f.state === "provisioned",
      label: `${p} × ${f.state}`,
    })),
  );

describe("[VISIBILITY]: persona × request state", () => {
  it("the rule itself (canSeeRequest) matches the product rule", async () => {
    for (const { f, user, visible, label } of cases()) {
      const row = await db.workspaceRequest.findUniqueOrThrow({
        where: { id: f.id },
        select: { requesterId: true, teamId: true, submittedAt: true, members: { select: { userId: true } } },
      });
      const facts = { ...row, memberIds: row.members.map((m) => m.userId) };
      expect(canSeeRequest(user, facts), label).toBe(visible);
    }
  });

  it("the request page's query, the timeline and the approval panel agree with it", async () => {
    for (const { f, user, visible, label } of cases()) {
      expect(!!(await getRequestForViewer(user, f.id)), `request page: ${label}`).toBe(visible);
      expect(!!(await getRequestTimeline(user, f.id)), `timeline: ${label}`).toBe(visible);
      expect(!!(await getApprovalPanel(user, f.id)), `approval panel: ${label}`).toBe(visible);
    }
  });

  it("the history (list, detail and export) shows exactly the visible submitted requests", async () => {
    const filters = parseHistoryFilters({});
    for (const key of Object.keys(PEOPLE) as PersonaKey[]) {
      const user = viewers[key];
      const listed = new Set((await listHistory(user, filters, 200)).rows.map((r) => r.id));
      const exported = new Set(
        (JSON.parse(await new Response(historyExportStream(user, filters, "json")).text()) as { id: string }[]).map(
          (r) => r.id,
        ),
      );
      for (const f of fixtures) {
        const expected = EXPECTED[f.state].includes(key) && (f.state === "submitted" || f.state === "provisioned");
        const label = `${key} × ${f.state}`;
        expect(listed.has(f.id), `history list: ${label}`).toBe(expected);
        expect(exported.has(f.id), `history export: ${label}`).toBe(expected);
        expect(!!(await getHistoryRequest(user, f.id)), `history detail: ${label}`).toBe(expected);
      }
    }
  });

  it("a run and a workspace are visible exactly when their request is", async () => {
    const provisioned = fixtures.find((f) => f.state === "provisioned")!;
    for (const { f, user, visible, label } of cases().filter((c) => c.f === provisioned)) {
      expect(!!(await getProvisioningProgress(user, f.id)), `progress: ${label}`).toBe(visible);
      const runs = await listRuns(user, {}, 500);
      expect(
        runs.some((r) => r.id === f.runId),
        `runs list: ${label}`,
      ).toBe(visible);
      expect(!!(await getWorkspaceView(user, f.workspaceId!)), `workspace: ${label}`).toBe(visible);
    }
  });

  it("/requests/<someone's draft> is not found for admins and stakeholders, and opens for its requester", async () => {
    const draft = fixtures.find((f) => f.state === "draft")!;
    const props = { params: Promise.resolve({ id: draft.id }), searchParams: Promise.resolve({}) };
    for (const email of ["fatima.khan@contoso.com", "hannah.schmidt@contoso.com", "ben.carter@contoso.com"]) {
      await actAs(email);
      await expect(RequestPage(props), email).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;404" });
    }
    await actAs("amara.okafor@contoso.com");
    await expect(RequestPage(props)).resolves.toBeTruthy();
  });

  it("the pages agree: each opens (whole server tree) exactly for those who may see the object", async () => {
    type Page = (props: unknown) => Promise<unknown>;
    const open = async (page: Page, id: string) => {
      try {
        await resolveServerTree(await page({ params: Promise.resolve({ id }), searchParams: Promise.resolve({}) }));
        return "opens";
      } catch (error) {
        const digest = (error as { digest?: string }).digest;
        if (digest === "NEXT_HTTP_ERROR_FALLBACK;404") return "not found";
        if (digest === "NEXT_HTTP_ERROR_FALLBACK;403") return "forbidden";
        throw error;
      }
    };
    for (const key of Object.keys(PEOPLE) as PersonaKey[]) {
      await actAs(viewers[key].email);
      const approver = ["request.approve", "request.approve_production"].some((p) =>
        hasPermission(viewers[key].roles, p as "request.approve"),
      );
      for (const f of fixtures) {
        const visible = EXPECTED[f.state].includes(key);
        const submitted = f.state === "submitted" || f.state === "provisioned";
        const label = `${key} × ${f.state}`;
        expect(await open(RequestPage as Page, f.id), `/requests: ${label}`).toBe(visible ? "opens" : "not found");
        expect(await open(HistoryRequestPage as Page, f.id), `/history: ${label}`).toBe(
          visible && submitted ? "opens" : "not found",
        );
        expect(await open(ApprovalPage as Page, f.id), `/approvals: ${label}`).toBe(
          !approver ? "forbidden" : visible && submitted ? "opens" : "not found",
        );
        if (f.workspaceId)
          expect(await open(WorkspacePage as Page, f.workspaceId), `/workspaces: ${label}`).toBe(
            visible ? "opens" : "not found",
          );
      }
    }
  });
});
