/**
 * HTTPS transport of the ARM simulator: a faithful stand-in for https://management.azure.com that the unmodified Azure
 * SDK clients talk to (endpoint + tlsOptions.ca). Control endpoints under /_simulator/ (loopback only, no bearer) let
 * tests and other processes read the request log and the simulated estate, register principals and inject faults.
 *
 * No Next.js or Prisma imports: this must start in a plain Node process in well under a second.
 */
import { randomUUID } from "node:crypto";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { ensureCertificate } from "./cert";
import { ArmEngine, type SimRequest, type SimResponse } from "./engine";
import { ArmError } from "./errors";
import { type ControlContext, handleControl } from "./control";
import { header, readBody, sendJson } from "./http";
import { type OutOfBandChange, applyOutOfBand } from "./out-of-band";
import { normalizePath, parseQuery, splitSegments } from "./paths";
import { inferRegion } from "./regions";
import type {
  ArmSimulator,
  ArmSimulatorOptions,
  DirectoryPrincipal,
  FaultOptions,
  LandingZone,
  LoggedRequest,
  SimResource,
} from "./types";

export { inferRegion } from "./regions";
export type {
  ArmSimulator,
  ArmSimulatorOptions,
  DirectoryPrincipal,
  FaultOptions,
  FaultRule,
  LoggedRequest,
  SimResource,
} from "./types";

export const SIMULATOR_DEFAULT_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
export const SIMULATOR_DEFAULT_TENANT_ID = "72f988bf-0000-4000-8000-00000000a7e1";

/** The hub network a landing zone provides: one subnet for private endpoints and the two Azure ML private DNS zones. */
export function defaultLandingZone(subscriptionId = SIMULATOR_DEFAULT_SUBSCRIPTION_ID): LandingZone {
  const hub = `/subscriptions/${subscriptionId}/resourceGroups/rg-hub-network/providers/Microsoft.Network`;
  return {
    subnetIds: [`${hub}/virtualNetworks/vnet-hub/subnets/snet-private-endpoints`],
    privateDnsZoneIds: [
      `${hub}/privateDnsZones/privatelink.api.azureml.ms`,
      `${hub}/privateDnsZones/privatelink.notebooks.azure.net`,
    ],
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The JSON body of an ARM request (400 InvalidRequestContent when it does not parse). */
async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  let body: unknown = null;
  if (raw) {
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      throw new ArmError(
        400,
        "InvalidRequestContent",
        "The request content was invalid and could not be deserialized.",
      );
    }
  }
  return body;
}

/** ARM answers 401 AuthenticationFailed without a bearer token. */
function requireBearer(req: IncomingMessage, tenantId: string): void {
  const auth = header(req, "authorization");
  if (!auth || !/^Bearer\s+\S+/i.test(auth)) {
    throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", {
      headers: {
        "WWW-Authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/${tenantId}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
      },
    });
  }
}

interface ArmServeDeps {
  engine: ArmEngine;
  url(): string;
  record(entry: LoggedRequest): void;
  hanging: Set<ServerResponse>;
}

/** Answers one ARM request: body and bearer checks, the engine, simulated latency, ARM's headers, the request log. */
async function serveArm(
  req: IncomingMessage,
  res: ServerResponse,
  at: { path: string; qs: string; t0: number },
  { engine, url: urlOf, record, hanging }: ArmServeDeps,
): Promise<void> {
  const { path, qs, t0 } = at;
  const url = urlOf();
  const method = (req.method ?? "GET").toUpperCase();
  const requestId = randomUUID();
  const correlationId = header(req, "x-ms-correlation-request-id") ?? requestId;
  const clientRequestId = header(req, "x-ms-client-request-id");
  const query = parseQuery(qs);
  let parsedBody: unknown = null;
  let result: SimResponse;
  try {
    parsedBody = await jsonBody(req);
    requireBearer(req, engine.tenantId);
    const segs = splitSegments(path);
    const simReq: SimRequest = {
      method,
      path,
      segs,
      low: segs.map((s) => s.toLowerCase()),
      query,
      body: parsedBody,
      baseUrl: req.headers.host ? `https://${req.headers.host}` : url,
    };
    result = await engine.handle(simReq);
  } catch (err) {
    if (err instanceof ArmError) {
      result = { status: err.status, body: err.toBody(), headers: err.headers };
    } else {
      const message = err instanceof Error ? err.message : String(err);
      result = {
        status: 500,
        body: new ArmError(500, "InternalServerError", `Simulator error: ${message}`).toBody(),
      };
    }
  }

  const entry = (status: number): LoggedRequest => ({
    method,
    path,
    query,
    apiVersion: query["api-version"] ?? null,
    status,
    durationMs: Math.round((performance.now() - t0) * 100) / 100,
    correlationId,
    requestId,
    clientRequestId,
    timestamp: new Date().toISOString(),
    body: parsedBody,
    errorCode: (result.body as { error?: { code?: string } } | undefined)?.error?.code ?? null,
    fault: result.fault ?? null,
  });

  if (result.transport === "reset") {
    record(entry(0));
    req.socket.destroy();
    return;
  }
  if (result.transport === "hang") {
    record(entry(0));
    hanging.add(res);
    res.on("close", () => hanging.delete(res));
    return;
  }
  if (result.delayMs && result.delayMs > 0) await sleep(result.delayMs);
  const headers: Record<string, string> = {
    "Cache-Control": "no-cache",
    Pragma: "no-cache",
    Expires: "-1",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "x-ms-request-id": requestId,
    "x-ms-correlation-request-id": correlationId,
    "x-ms-routing-request-id": `LOCAL:${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}Z:${requestId}`,
    ...(clientRequestId ? { "x-ms-client-request-id": clientRequestId } : {}),
    ...result.headers,
  };
  const text = result.body === undefined || method === "HEAD" ? "" : JSON.stringify(result.body);
  if (text) headers["Content-Type"] = "application/json; charset=utf-8";
  headers["Content-Length"] = String(Buffer.byteLength(text));
  res.writeHead(result.status, headers);
  res.end(text);
  record(entry(result.status));
}

/**
 * Starts the simulator. Longer than 80 lines on purpose: it is the assembly of the server, whose small closures
 * (request log, estate view, principals, faults, out-of-band changes, close) share the engine, the log and the sockets;
 * the request handling itself is in serveArm and control.ts.
 */
export async function startArmSimulator(options: ArmSimulatorOptions = {}): Promise<ArmSimulator> {
  const started = Date.now();
  const host = options.host ?? "127.0.0.1";
  const cert = await ensureCertificate(options.certDir ?? ".data/simulator");
  const engine = new ArmEngine({ ...options, tenantId: options.tenantId ?? SIMULATOR_DEFAULT_TENANT_ID });
  engine.store.load();
  if (options.principals?.length) engine.store.addPrincipals(options.principals, 0);
  const zone = options.landingZone ?? defaultLandingZone();
  engine.seedLandingZone(
    zone.subnetIds,
    zone.privateDnsZoneIds,
    zone.location ?? inferRegion(zone.subnetIds.join(" ")) ?? "eastus",
  );

  const logLimit = options.requestLogLimit ?? 5000;
  let log: LoggedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const record = (entry: LoggedRequest) => {
    log.push(entry);
    if (log.length > logLimit + Math.ceil(logLimit / 10)) log = log.slice(log.length - logLimit);
  };

  const resources = (): SimResource[] => {
    engine.store.settle();
    return engine.store.all().map((r) => engine.store.toSimResource(r, engine.render(r)));
  };

  const addPrincipals = (list: DirectoryPrincipal[]) => {
    for (const p of list) {
      if (!p || typeof p.objectId !== "string" || p.objectId.length === 0)
        throw new Error("principal objectId is required");
    }
    engine.store.addPrincipals(
      list.map((p) => ({ ...p, tenantId: p.tenantId ?? engine.tenantId })),
      options.principalReplicationDelayMs ?? 0,
    );
  };

  const setFaults = (faults: FaultOptions) => engine.faults.set(faults);

  const softDeletedWorkspaces = () =>
    [...engine.store.softDeleted.values()].map(({ key: _k, resourceGroupKey: _g, body: _b, ...s }) => s);

  /** Applies a change as a person in the portal would, and records it in the request log for a drift watch. */
  const outOfBand = (change: OutOfBandChange) => {
    const resource = applyOutOfBand(engine, change);
    const id = randomUUID();
    record({
      method: "POST",
      path: "/_simulator/out-of-band",
      query: {},
      apiVersion: null,
      status: 200,
      durationMs: 0,
      correlationId: id,
      requestId: id,
      clientRequestId: null,
      timestamp: new Date().toISOString(),
      body: change,
      errorCode: null,
      fault: null,
      outOfBand: { kind: change.kind, resourceId: String(resource.id ?? "") },
    });
    return resource;
  };

  let url = "";

  const controlContext: ControlContext = {
    engine,
    url: () => url,
    started,
    controlToken: options.controlToken ?? null,
    requests: () => log,
    clearRequests: () => {
      log = [];
    },
    resources,
    softDeletedWorkspaces,
    addPrincipals,
    setFaults,
    outOfBand,
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const t0 = performance.now();
    const rawUrl = req.url ?? "/";
    const qIndex = rawUrl.indexOf("?");
    const rawPath = qIndex === -1 ? rawUrl : rawUrl.slice(0, qIndex);
    const qs = qIndex === -1 ? "" : rawUrl.slice(qIndex + 1);
    const path = normalizePath(rawPath);
    if (path.toLowerCase().startsWith("/_simulator/")) {
      await handleControl(req, res, path, qs, controlContext);
      return;
    }
    await serveArm(req, res, { path, qs, t0 }, { engine, url: () => url, record, hanging });
  };

  const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    handler(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: "InternalServerError", message: String(err) } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("tlsClientError", () => {
    // Clients that don't trust the certificate abort the handshake; nothing to do.
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 0);
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  url = `https://${urlHost}:${port}`;

  let closed = false;
  return {
    url,
    port,
    certPem: cert.cert,
    certPath: cert.certPath,
    timeScale: engine.timeScale,
    async close() {
      if (closed) return;
      closed = true;
      for (const res of hanging) res.destroy();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
      await engine.store.flush();
    },
    requestLog: () => [...log],
    resetLog: () => {
      log = [];
    },
    resources,
    softDeletedWorkspaces,
    outOfBand,
    addPrincipals,
    setFaults,
    setQuotaLimits: (limits) => engine.quota.setLimits(limits),
    setPolicyRules: (rules) => engine.policies.setRules(rules),
    flush: () => engine.store.flush(),
  };
}
