/**
 * Control endpoints under /_simulator/ (loopback only, no ARM bearer): health, the request log, the estate, the
 * directory, faults, Azure ML quota limits, Azure Policy rules and out-of-band changes. When the simulator has a control token, every call that changes
 * something (anything but GET) must present it as `Authorization: Bearer <token>`: the simulator's operator is its admin.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ArmEngine } from "./engine";
import { ArmError } from "./errors";
import { header, readBody, sendJson } from "./http";
import type { Json } from "./store";
import type { OutOfBandChange } from "./out-of-band";
import { parseQuery } from "./paths";
import type { DirectoryPrincipal, FaultOptions, LoggedRequest, SimResource, SoftDeletedWorkspace } from "./types";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export interface ControlContext {
  engine: ArmEngine;
  url(): string;
  started: number;
  controlToken: string | null;
  requests(): LoggedRequest[];
  clearRequests(): void;
  resources(): SimResource[];
  softDeletedWorkspaces(): SoftDeletedWorkspace[];
  addPrincipals(list: DirectoryPrincipal[]): void;
  setFaults(faults: FaultOptions): void;
  outOfBand(change: OutOfBandChange): Json;
}

const error = (code: string, message: string) => ({ error: { code, message } });

/** Parses the body; answers and returns undefined when it can't (413, invalid JSON). */
async function jsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  let raw: string;
  try {
    raw = await readBody(req);
  } catch (err) {
    if (!(err instanceof ArmError)) throw err;
    sendJson(res, err.status, err.toBody());
    return undefined;
  }
  if (!raw) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    sendJson(res, 400, error("InvalidJson", "The body is not valid JSON."));
    return undefined;
  }
}

function allowed(req: IncomingMessage, res: ServerResponse, ctx: ControlContext): boolean {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
    sendJson(res, 403, error("Forbidden", "Simulator control endpoints are loopback-only."));
    return false;
  }
  if (ctx.controlToken && req.method !== "GET" && header(req, "authorization") !== `Bearer ${ctx.controlToken}`) {
    sendJson(
      res,
      401,
      error("Unauthorized", "This simulator's control endpoints need its control token to change it."),
    );
    return false;
  }
  return true;
}

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  qs: string,
  ctx: ControlContext,
): Promise<void> {
  if (!allowed(req, res, ctx)) return;
  const body = await jsonBody(req, res);
  if (body === undefined) return;
  try {
    route(`${req.method} ${path.toLowerCase()}`, res, qs, body, ctx);
  } catch (err) {
    if (err instanceof ArmError) sendJson(res, err.status, err.toBody());
    else sendJson(res, 400, error("InvalidRequest", err instanceof Error ? err.message : String(err)));
  }
}

function route(route: string, res: ServerResponse, qs: string, body: unknown, ctx: ControlContext): void {
  const { engine } = ctx;
  switch (route) {
    case "GET /_simulator/health":
      engine.store.settle();
      sendJson(res, 200, {
        status: "ok",
        azure: "simulated",
        url: ctx.url(),
        timeScale: engine.timeScale,
        tenantId: engine.tenantId,
        resources: engine.store.resources.size,
        uptimeMs: Date.now() - ctx.started,
      });
      return;
    case "GET /_simulator/requests": {
      const q = parseQuery(qs);
      let items = ctx.requests();
      if (q.method) items = items.filter((e) => e.method === q.method.toUpperCase());
      if (q.path) items = items.filter((e) => e.path.toLowerCase().includes(q.path.toLowerCase()));
      sendJson(res, 200, { requests: items });
      return;
    }
    case "DELETE /_simulator/requests":
      ctx.clearRequests();
      sendJson(res, 204, undefined);
      return;
    case "GET /_simulator/resources":
      sendJson(res, 200, { resources: ctx.resources(), softDeletedWorkspaces: ctx.softDeletedWorkspaces() });
      return;
    case "POST /_simulator/principals": {
      const list = Array.isArray(body) ? body : (body as { principals?: unknown })?.principals;
      if (!Array.isArray(list)) {
        sendJson(res, 400, error("InvalidBody", "Expected an array of principals or { principals: [...] }."));
        return;
      }
      ctx.addPrincipals(list as DirectoryPrincipal[]);
      sendJson(res, 200, { added: list.length });
      return;
    }
    case "GET /_simulator/faults":
      sendJson(res, 200, engine.faults.get());
      return;
    case "PUT /_simulator/faults":
      ctx.setFaults((body ?? {}) as FaultOptions);
      sendJson(res, 200, engine.faults.get());
      return;
    case "GET /_simulator/quotas":
      sendJson(res, 200, { limits: engine.quota.getLimits() });
      return;
    case "PUT /_simulator/quotas":
      engine.quota.setLimits((body ?? {}) as Record<string, number>);
      sendJson(res, 200, { limits: engine.quota.getLimits() });
      return;
    case "GET /_simulator/policies":
      sendJson(res, 200, { rules: engine.policies.getRules() });
      return;
    case "PUT /_simulator/policies":
      sendJson(res, 200, { rules: engine.policies.setRules(body ?? []) });
      return;
    case "POST /_simulator/out-of-band":
      sendJson(res, 200, { resource: ctx.outOfBand(body as OutOfBandChange) });
      return;
    default:
      sendJson(res, 404, error("NotFound", `Unknown control endpoint ${route}.`));
  }
}
