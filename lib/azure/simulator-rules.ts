import "server-only";
/**
 * The simulator's editable Azure Policy rules and Azure ML quota limits (GET/PUT /_simulator/policies and
 * /_simulator/quotas on the configured simulator), for the admins' Simulated Azure page. Only the simulator has them:
 * with real Azure the organisation's own policies and quotas apply, and this refuses. The control token, when the
 * simulator has one, comes from ARM_SIMULATOR_CONTROL_TOKEN.
 */
import fs from "node:fs";
import https from "node:https";
import { env } from "@/lib/env";
import type { PolicyRule } from "./simulator/providers/policy-insights";

export type { PolicyRule };

export type ControlResult<T> = { ok: true; value: T } | { ok: false; message: string };

function control<T>(method: "GET" | "PUT", path: string, body?: unknown): Promise<ControlResult<T>> {
  const e = env();
  if (e.AZURE_MODE !== "simulator")
    return Promise.resolve({
      ok: false,
      message: "Atrium is connected to real Azure: its own policies and quotas apply.",
    });
  const base = e.ARM_SIMULATOR_URL ?? `https://127.0.0.1:${e.ARM_SIMULATOR_PORT}`;
  let ca: string;
  try {
    ca = fs.readFileSync(e.ARM_SIMULATOR_CA_FILE ?? ".data/simulator/cert.pem", "utf8");
  } catch {
    return Promise.resolve({
      ok: false,
      message: "The ARM simulator's certificate was not found (ARM_SIMULATOR_CA_FILE).",
    });
  }
  const token = process.env.ARM_SIMULATOR_CONTROL_TOKEN;
  const text = body === undefined ? "" : JSON.stringify(body);
  return new Promise((resolve) => {
    const req = https.request(
      new URL(path, base),
      {
        method,
        ca,
        timeout: 5000,
        headers: {
          ...(text ? { "content-type": "application/json", "content-length": Buffer.byteLength(text) } : {}),
          ...(token && method !== "GET" ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
          } catch {
            // reported by the status below
          }
          if (res.statusCode === 200) return resolve({ ok: true, value: parsed as T });
          const error = (parsed.error ?? {}) as { message?: string };
          resolve({ ok: false, message: error.message ?? `The simulator answered ${res.statusCode}.` });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("the simulator did not answer in time")));
    req.on("error", (err) =>
      resolve({ ok: false, message: `The ARM simulator at ${base} is not reachable: ${err.message}.` }),
    );
    req.end(text || undefined);
  });
}

export async function getSimulatedPolicyRules(): Promise<ControlResult<PolicyRule[]>> {
  const r = await control<{ rules: PolicyRule[] }>("GET", "/_simulator/policies");
  return r.ok ? { ok: true, value: r.value.rules ?? [] } : r;
}

export async function putSimulatedPolicyRules(rules: PolicyRule[]): Promise<ControlResult<PolicyRule[]>> {
  const r = await control<{ rules: PolicyRule[] }>("PUT", "/_simulator/policies", { rules });
  return r.ok ? { ok: true, value: r.value.rules ?? [] } : r;
}

export async function getSimulatedQuotaLimits(): Promise<ControlResult<Record<string, number>>> {
  const r = await control<{ limits: Record<string, number> }>("GET", "/_simulator/quotas");
  return r.ok ? { ok: true, value: r.value.limits ?? {} } : r;
}

export async function putSimulatedQuotaLimits(
  limits: Record<string, number>,
): Promise<ControlResult<Record<string, number>>> {
  const r = await control<{ limits: Record<string, number> }>("PUT", "/_simulator/quotas", limits);
  return r.ok ? { ok: true, value: r.value.limits ?? {} } : r;
}
