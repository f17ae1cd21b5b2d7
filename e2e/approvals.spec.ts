import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { E2E } from "./support/env";
import { expectAccessible, PEOPLE, query, signInAs } from "./support/helpers";
import { personBox, pickPerson } from "./support/people-picker";

// The journeys of issue 4: approvals with separation of duties. Each journey submits its own request through
// the wizard, in a scope the demo history and the other specs leave free.
const PEOPLE4 = {
  jonas: { name: "Jonas Weber", email: "jonas.weber@contoso.com" },
  chen: { name: "Chen Wei", email: "chen.wei@contoso.com" },
  maya: { name: "Maya Patel", email: "maya.patel@contoso.com" },
  keiko: { email: "keiko.tanaka@contoso.com" },
  erik: { email: "erik.lindqvist@contoso.com" },
};

type Submission = {
  pattern: "Team" | "Project";
  team: string;
  project?: string;
  justification: string;
  environments: ("Development" | "Test" | "Production")[];
  visibility: "Public endpoint" | "Private (Private Link)";
  restriction: "Restricted (custom Data Scientist role)" | "Unrestricted (Contributor)";
  region: string;
  mlops?: string;
  pipelines?: string[];
};

/** Drives the request wizard to submission; returns the request's id and number. */
async function submitRequest(page: Page, r: Submission): Promise<{ id: string; number: string }> {
  await page.goto("/requests/new");
  await page.getByRole("radio", { name: new RegExp(`^${r.pattern}`) }).check();
  await page.getByRole("combobox", { name: "Team" }).selectOption({ label: r.team });
  if (r.project) await page.getByRole("combobox", { name: "Project" }).selectOption({ label: r.project });
  await page.getByLabel("Justification").fill(r.justification);
  await page.getByRole("button", { name: "Save and continue" }).click();

  await expect(page.getByRole("group", { name: "Environments" })).toBeVisible();
  for (const env of r.environments) await page.getByRole("checkbox", { name: env, exact: true }).check();
  await page.getByRole("radio", { name: r.visibility }).check();
  await page.getByRole("radio", { name: r.restriction }).check();
  await page.getByLabel("Region").selectOption(r.region);
  await page.getByRole("button", { name: "Save and continue" }).click();

  await expect(personBox(page, "Member 1")).toBeVisible();
  if (r.mlops) {
    await page.getByRole("button", { name: "Add member" }).click();
    await pickPerson(page, "Member 2", r.mlops);
    await page.getByLabel("Member 2 role").selectOption({ label: "MLOps engineer" });
  }
  await page.getByRole("button", { name: "Save and continue" }).click();

  await page.getByLabel("Compute instance VM size").selectOption("Standard_DS3_v2");
  await page.getByLabel("Idle shutdown (minutes)").fill("60");
  for (const [i, name] of (r.pipelines ?? []).entries()) {
    await page.getByRole("button", { name: "Add pipeline" }).click();
    await page.getByLabel(`Pipeline ${i + 1} name`).fill(name);
  }
  await page.getByRole("button", { name: "Save and continue" }).click();

  await page.getByRole("button", { name: "Submit for approval" }).click();
  await expect(page.getByText("Submitted for approval")).toBeVisible();
  const heading = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
  const number = /REQ-\d{5}/.exec(heading)?.[0];
  expect(number).toBeTruthy();
  const id = /\/requests\/([0-9a-f-]{36})/.exec(page.url())?.[1];
  expect(id).toBeTruthy();
  return { id: id!, number: number! };
}

async function openFromQueue(page: Page, number: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Approvals", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: `Review and decide ${number}` }).click();
  await expect(page.getByRole("heading", { name: `Review ${number}` })).toBeVisible();
}

const jobsFor = async (requestId: string) =>
  Number(
    (
      await query<{ n: string }>(
        "SELECT count(*) AS n FROM pgboss.job WHERE name = 'provision-request' AND singleton_key = $1",
        [requestId],
      )
    )[0].n,
  );

test("[APPROVALS]: a dev+test request is approved by an admin and queued for provisioning", async ({ page }) => {
  await signInAs(page, PEOPLE4.jonas);
  const req = await submitRequest(page, {
    pattern: "Team",
    team: "Supply Chain Forecasting",
    justification: "Forecasting experiments for the supply chain team's weekly demand models.",
    environments: ["Development", "Test"],
    visibility: "Public endpoint",
    restriction: "Restricted (custom Data Scientist role)",
    region: "eastus",
    mlops: PEOPLE4.keiko.email,
  });

  await signInAs(page, PEOPLE.admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals", exact: true }).click();
  // The queue shows the plan summary: environments, network, access, members, cost.
  const row = page.getByRole("row").filter({ hasText: req.number });
  await expect(row).toContainText("Supply Chain Forecasting");
  await expect(row).toContainText("Public, restricted");
  await expect(row).toContainText("Keiko Tanaka (MLOps)");
  await expect(row).toContainText(/\$\d/);
  await expectAccessible(page);

  await openFromQueue(page, req.number);
  await expect(page.getByRole("table", { name: /Development resources/ })).toBeVisible(); // the plan detail
  await expectAccessible(page);
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(page.getByText("Approved. Provisioning is queued.")).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Admin approval" })).toContainText("by Fatima Khan");

  // One transaction made the approval, the run and the job.
  const [approval] = await query<{ approver_id: string; plan_hash: string; request_hash: string }>(
    "SELECT a.approver_id, a.plan_hash, r.plan_hash AS request_hash FROM approvals a JOIN workspace_requests r ON r.id = a.request_id WHERE a.request_id = $1",
    [req.id],
  );
  expect(approval).toMatchObject({ approver_id: "usr-fatima", plan_hash: approval.request_hash });
  const runs = await query<{ attempt: number; triggered_by_id: string }>(
    "SELECT attempt, triggered_by_id FROM provisioning_runs WHERE request_id = $1",
    [req.id],
  );
  expect(runs).toEqual([{ attempt: 1, triggered_by_id: "usr-fatima" }]);
  expect(await jobsFor(req.id)).toBe(1);

  await signInAs(page, PEOPLE4.jonas);
  await page.goto("/inbox");
  await expect(page.getByRole("link", { name: `${req.number} approved` })).toBeVisible();
  await page.goto(`/requests/${req.id}`);
  await expect(page.getByRole("region", { name: "Approvals" })).toContainText("by Fatima Khan");
  await expectAccessible(page);
});

test("[APPROVALS]: a production request needs an admin, then a stakeholder who is a different person", async ({
  page,
}) => {
  await signInAs(page, PEOPLE4.chen);
  const req = await submitRequest(page, {
    pattern: "Project",
    team: "Customer Insights",
    project: "Product recommendations",
    justification: "Recommendation models for the web shop, from experiments to the production ranking pipeline.",
    environments: ["Development", "Test", "Production"],
    visibility: "Public endpoint",
    restriction: "Restricted (custom Data Scientist role)",
    region: "westeurope",
    mlops: PEOPLE4.erik.email,
    pipelines: ["ranking"],
  });

  // Isabel is an admin and a stakeholder: she gives the admin approval, and is then not offered the second.
  await signInAs(page, PEOPLE.stakeholderAdmin);
  await openFromQueue(page, req.number);
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(page.getByText("Approved. A stakeholder gives the production approval next.")).toBeVisible();
  await page.reload();
  await expect(
    page.getByText("You gave the admin approval; the production approval must come from a different person."),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Give production approval" })).toHaveCount(0);
  expect(await jobsFor(req.id)).toBe(0);

  await signInAs(page, PEOPLE.stakeholder);
  await page.goto("/approvals");
  await expect(page.getByRole("row").filter({ hasText: req.number })).toContainText(
    "Stakeholder approval (production)",
  );
  await expect(page.getByRole("row").filter({ hasText: req.number })).toContainText("admin: Isabel Costa");
  await openFromQueue(page, req.number);
  await expect(page.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
  await page.getByRole("button", { name: "Give production approval" }).click();
  await expect(page.getByText("Approved. Provisioning is queued.")).toBeVisible();

  const approvals = await query<{ stage: string; approver_id: string }>(
    "SELECT stage, approver_id FROM approvals WHERE request_id = $1 AND voided_at IS NULL ORDER BY created_at",
    [req.id],
  );
  expect(approvals).toEqual([
    { stage: "ADMIN", approver_id: "usr-isabel" },
    { stage: "STAKEHOLDER", approver_id: "usr-hannah" },
  ]);
  expect(await jobsFor(req.id)).toBe(1);
});

test("[APPROVALS]: self-approval is not offered, and a raw POST of it is refused and audited", async ({ page }) => {
  // George is an admin who also requests workspaces.
  await signInAs(page, PEOPLE.adminRequester);
  const req = await submitRequest(page, {
    pattern: "Project",
    team: "Supply Chain Forecasting",
    project: "Demand forecasting",
    justification: "Demand forecasting experiments for the north-american distribution centres.",
    environments: ["Development"],
    visibility: "Public endpoint",
    restriction: "Unrestricted (Contributor)",
    region: "eastus2",
  });

  await page.goto("/approvals");
  const row = page.getByRole("row").filter({ hasText: req.number });
  await expect(row).toContainText("You submitted this request; someone else must decide it.");
  await expect(page.getByRole("link", { name: `Review and decide ${req.number}` })).toHaveCount(0);
  await page.goto(`/approvals/${req.id}`);
  await expect(page.getByText("You submitted this request; someone else must decide it.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
  await expectAccessible(page);

  // The attacker's way: the action id from the build's manifest, and a well-formed action body.
  const manifestPath = path.join(process.env.NEXT_DIST_DIR ?? ".next", "server", "server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const actionId = Object.entries(manifest.node).find(([, v]) => v.exportedName === "approveRequestAction")?.[0];
  expect(actionId).toBeTruthy();
  const [before] = await query<{ status: string; version: number; plan_hash: string }>(
    "SELECT status, version, plan_hash FROM workspace_requests WHERE id = $1",
    [req.id],
  );
  const denialsBefore = await query<{ n: string }>(
    "SELECT count(*) AS n FROM audit_events WHERE action = 'authz.denied' AND actor_id = 'usr-george'",
  );
  // React's reply encoding: the FormData argument's fields first (prefixed "_1_"), then the root "0" pointing at it.
  const body = new FormData();
  body.append("_1_version", String(before.version));
  body.append("_1_planHash", before.plan_hash);
  body.append("0", JSON.stringify([req.id, { ok: true }, "$K1"]));
  const response = await page.request.post(`/approvals/${req.id}`, {
    headers: { "Next-Action": actionId!, Origin: E2E.baseUrl },
    multipart: body,
  });
  expect(response.status()).toBeLessThan(500);
  expect(await response.text()).toContain("You submitted this request");
  const [after] = await query<{ status: string; version: number }>(
    "SELECT status, version FROM workspace_requests WHERE id = $1",
    [req.id],
  );
  expect(after).toEqual({ status: "SUBMITTED", version: before.version });
  expect(
    Number((await query<{ n: string }>("SELECT count(*) AS n FROM approvals WHERE request_id = $1", [req.id]))[0].n),
  ).toBe(0);
  const denialsAfter = await query<{ n: string }>(
    "SELECT count(*) AS n FROM audit_events WHERE action = 'authz.denied' AND actor_id = 'usr-george'",
  );
  expect(Number(denialsAfter[0].n)).toBe(Number(denialsBefore[0].n) + 1);
});

test("[APPROVALS]: the rejection reason reaches the requester's inbox and the request page", async ({ page }) => {
  await signInAs(page, PEOPLE4.maya);
  const req = await submitRequest(page, {
    pattern: "Team",
    team: "Customer Insights",
    justification: "Segmentation experiments for the customer insights team's loyalty analysis.",
    environments: ["Development"],
    visibility: "Public endpoint",
    restriction: "Unrestricted (Contributor)",
    region: "northeurope",
  });

  const reason = "Unrestricted access is not allowed on customer data; resubmit with restricted access.";
  await signInAs(page, PEOPLE.admin);
  await openFromQueue(page, req.number);
  await page.getByLabel("Reason for rejection").fill(reason);
  await page.getByRole("button", { name: "Reject", exact: true }).click();
  await expect(page.getByText("Rejected. The requester has been told why.")).toBeVisible();

  await signInAs(page, PEOPLE4.maya);
  await expect(page.getByRole("link", { name: /^Inbox/ })).toContainText(/\d/); // the unread badge
  await page.goto("/inbox");
  const note = page.getByRole("listitem").filter({ hasText: `${req.number} rejected` });
  await expect(note).toContainText(reason);
  await expectAccessible(page);
  await note.getByRole("link", { name: `${req.number} rejected` }).click();
  await expect(page).toHaveURL(new RegExp(`/requests/${req.id}$`));
  await expect(page.getByRole("region", { name: "Approvals" })).toContainText(reason);
  await expect(page.getByRole("region", { name: "Approvals" })).toContainText("by Fatima Khan");
  await expectAccessible(page);
});

test("[APPROVALS]: an admin edits the settings (audited with the diff) and verifies the audit chain", async ({
  page,
}) => {
  await signInAs(page, PEOPLE.admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Portal settings" })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Entra tenant id").fill("not-a-guid");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#azureTenantId-error")).toContainText("is a GUID");
  await expect(page.getByLabel("Entra tenant id")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);
  await page.reload();
  await page.getByLabel("Default idle shutdown of compute instances (minutes)").fill("45");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText(/Settings saved \(defaultIdleShutdownMinutes\)/)).toBeVisible();
  const [event] = await query<{ before: unknown; after: unknown; actor_id: string }>(
    "SELECT before, after, actor_id FROM audit_events WHERE action = 'settings.updated' ORDER BY id DESC LIMIT 1",
  );
  expect(event).toMatchObject({
    actor_id: "usr-fatima",
    before: { defaultIdleShutdownMinutes: 60 },
    after: { defaultIdleShutdownMinutes: 45 },
  });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit trail", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "settings.updated" }).first()).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByText(/Chain intact: all [\d,]+ events verified\./)).toBeVisible();
});
