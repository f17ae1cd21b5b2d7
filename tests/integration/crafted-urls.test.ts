// [CRAFTED-URLS]: addresses a person can type answer 404 (a path that names nothing) or 400 with a message
// (a query value that cannot be used) — never a 500 from a database cast — and an export is recorded as
// done only once it has actually started.
import { isValidElement, type ReactElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { db } from "@/lib/db/client";
import { encodeCursor } from "@/lib/history/filters";
import AuditPage from "@/app/(portal)/audit/page";
import CostPage from "@/app/(portal)/cost/page";
import HistoryPage from "@/app/(portal)/history/page";
import HistoryRequestPage from "@/app/(portal)/history/[id]/page";
import MetricsPage from "@/app/(portal)/history/metrics/page";
import NewRequestPage from "@/app/(portal)/requests/new/page";
import RequestPage from "@/app/(portal)/requests/[id]/page";
import RunsPage from "@/app/(portal)/runs/page";
import WorkspacePage from "@/app/(portal)/workspaces/[id]/page";
import { InvalidQuery } from "@/app/(portal)/_components/invalid-query";
import { GET as exportAudit } from "@/app/(portal)/history/export/audit/route";
import { GET as exportHistory } from "@/app/(portal)/history/export/route";
import { GET as planJson } from "@/app/(portal)/requests/[id]/plan.json/route";
import { actAs } from "../support/act-as";
import { resolveServerTree } from "./authz-render";

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "1";

// Lets one test make the export's first read fail as a database outage would.
const failures = vi.hoisted(() => ({ exportRead: false }));
vi.mock("@/lib/history/export", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/history/export")>();
  const failing = () =>
    new ReadableStream<Uint8Array>({
      pull() {
        throw new Error("connection terminated");
      },
    });
  return {
    ...actual,
    auditExportStream: (...args: Parameters<typeof actual.auditExportStream>) =>
      failures.exportRead ? failing() : actual.auditExportStream(...args),
    historyExportStream: (...args: Parameters<typeof actual.historyExportStream>) =>
      failures.exportRead ? failing() : actual.historyExportStream(...args),
  };
});

const STAKEHOLDER = "hannah.schmidt@contoso.com";
const ADMIN = "fatima.khan@contoso.com";
const REQUESTER = "amara.okafor@contoso.com";
// 36 characters of hex digits and dashes that are not a UUID: it passed the old /^[0-9a-f-]{36}$/ check and
// then failed PostgreSQL's ::uuid cast.
const HEXISH = "0123456789abcdef-0123456789abcdef-01";

type PageFn = (props: unknown) => Promise<unknown>;
const props = (params: Record<string, string>, searchParams: Record<string, string> = {}) => ({
  params: Promise.resolve(params),
  searchParams: Promise.resolve(searchParams),
});
const get = (url: string) => new NextRequest(new URL(url, "http://localhost:3000"));
const cursor = (v: string, id = "00000000-0000-4000-8000-000000000000") => encodeCursor({ v, id });

async function digestOf(page: PageFn, p: unknown): Promise<string | null> {
  try {
    await page(p);
    return null;
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest !== "string") throw error;
    return digest;
  }
}

/** The page's answer to a query it cannot use: the InvalidQuery view, whose message is returned. */
async function invalidQueryMessage(page: PageFn, p: unknown): Promise<string> {
  const element = await page(p);
  expect(isValidElement(element) && element.type === InvalidQuery, "the page shows its 400 view").toBe(true);
  return (element as ReactElement<{ message: string }>).props.message;
}

const exportsRecorded = () =>
  db.auditEvent.count({ where: { action: { in: ["audit.exported", "history.exported"] } } });

afterEach(() => {
  failures.exportRead = false;
});

describe("[CRAFTED-URLS]: path segments that name nothing are 404", () => {
  it("/workspaces/<hex-ish> and /history/<hex-ish> are not found (not a 500 from the uuid cast)", async () => {
    await actAs(STAKEHOLDER);
    expect(await digestOf(WorkspacePage as PageFn, props({ id: HEXISH }))).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
    expect(await digestOf(HistoryRequestPage as PageFn, props({ id: HEXISH }))).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
    expect(await digestOf(RequestPage as PageFn, props({ id: HEXISH }))).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
  });

  it("a malformed draft id in the wizard and a malformed id on plan.json are not found", async () => {
    await actAs(REQUESTER);
    expect(await digestOf(NewRequestPage as PageFn, props({}, { draft: HEXISH }))).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
    const response = await planJson(get(`/requests/${HEXISH}/plan.json`), { params: Promise.resolve({ id: HEXISH }) });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("[CRAFTED-URLS]: query values that cannot be used are 400 with a message", () => {
  it("/history with an undecodable, a forged or an out-of-range cursor shows the 400 view", async () => {
    await actAs(STAKEHOLDER);
    const page = HistoryPage as PageFn;
    expect(await invalidQueryMessage(page, props({}, { after: "%%%not-base64%%%" }))).toMatch(/page link/);
    expect(await invalidQueryMessage(page, props({}, { after: cursor("not a date") }))).toMatch(/page link/);
    expect(await invalidQueryMessage(page, props({}, { before: cursor("99999-01-01T00:00:00Z") }))).toMatch(
      /page link/,
    );
    expect(
      await invalidQueryMessage(page, props({}, { sort: "number", after: cursor("99999999999999999999") })),
    ).toMatch(/page link/);
    expect(await invalidQueryMessage(page, props({}, { from: "2024-13-45" }))).toMatch(/^from: /);
    expect(await invalidQueryMessage(MetricsPage as PageFn, props({}, { to: "2024-02-30" }))).toMatch(/^to: /);
    expect(await invalidQueryMessage(CostPage as PageFn, props({}, { after: "x" }))).toMatch(/page link/);
  });

  it("/history with a well-formed cursor and real dates still shows the history", async () => {
    await actAs(STAKEHOLDER);
    const page = HistoryPage as PageFn;
    const after = cursor("2025-06-01T12:00:00.000Z");
    const queries: Record<string, string>[] = [
      { after },
      { sort: "number", after: cursor("42") },
      { from: "2024-02-29", to: "2024-12-31" },
    ];
    for (const query of queries) {
      const element = await page(props({}, query));
      expect(isValidElement(element) && element.type === InvalidQuery, JSON.stringify(query)).toBe(false);
      // The list streams in below the page's Suspense boundary: run it as the server would.
      expect(await resolveServerTree(element), JSON.stringify(query)).toBeGreaterThan(0);
    }
  });

  it("/audit?before=9999999999999999999 (beyond bigint) and a malformed request filter show the 400 view", async () => {
    await actAs(ADMIN);
    expect(await invalidQueryMessage(AuditPage as PageFn, props({}, { before: "9999999999999999999" }))).toMatch(
      /^before: .*out of range/,
    );
    expect(await invalidQueryMessage(AuditPage as PageFn, props({}, { before: "12abc" }))).toMatch(/^before: /);
    expect(await invalidQueryMessage(AuditPage as PageFn, props({}, { request: HEXISH }))).toMatch(/^request: /);
  });

  it("/runs?q=REQ-99999999999999999999 shows the 400 view; an ordinary search does not", async () => {
    await actAs(ADMIN);
    expect(await invalidQueryMessage(RunsPage as PageFn, props({}, { q: "REQ-99999999999999999999" }))).toMatch(
      /request numbers are at most/,
    );
    const element = await (RunsPage as PageFn)(props({}, { q: "REQ-00042" }));
    expect(isValidElement(element) && element.type === InvalidQuery).toBe(false);
    expect(await resolveServerTree(element)).toBeGreaterThan(0);
  });

  it("/history/export/audit?from=2024-13-45 answers 400 with the field message and records no export", async () => {
    await actAs(STAKEHOLDER);
    const before = await exportsRecorded();
    const response = await exportAudit(get("/history/export/audit?from=2024-13-45&format=csv"));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = (await response.json()) as { detail: string; errors: Record<string, string[]> };
    expect(body.errors.from).toEqual(["That day does not exist."]);
    expect(body.detail).toMatch(/^from: /);
    const history = await exportHistory(get("/history/export?to=2024-00-10"));
    expect(history.status).toBe(400);
    expect(await exportsRecorded()).toBe(before);
  });
});

describe("[CRAFTED-URLS]: an export is recorded only once it has started", () => {
  it("a failing first read records no audit.exported / history.exported; a working export records one", async () => {
    await actAs(STAKEHOLDER);
    const before = await exportsRecorded();
    failures.exportRead = true;
    await expect(exportAudit(get("/history/export/audit?format=json"))).rejects.toThrow("connection terminated");
    await expect(exportHistory(get("/history/export?format=json"))).rejects.toThrow("connection terminated");
    expect(await exportsRecorded()).toBe(before);

    failures.exportRead = false;
    const response = await exportAudit(get("/history/export/audit?format=json&action=request.&from=2024-02-29"));
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text())).toEqual(expect.any(Array));
    expect(await exportsRecorded()).toBe(before + 1);
  });
});
