import "server-only";
/**
 * Changes the simulated estate "out of band", as a person in the Azure portal would (POST /_simulator/out-of-band on
 * the configured simulator; the simulator records each change in its request log). Only the simulator has such a
 * door: with real Azure (AZURE_MODE=azure) this refuses. The control token, when the simulator has one, comes from
 * ARM_SIMULATOR_CONTROL_TOKEN.
 */
import fs from "node:fs";
import https from "node:https";
import type { OutOfBandChange } from "./simulator/out-of-band";
import { env } from "@/lib/env";

export type OutOfBandResult =
  { ok: true; resource: Record<string, unknown> } | { ok: false; status: number; code: string; message: string };

export async function changeSimulatedEstate(change: OutOfBandChange): Promise<OutOfBandResult> {
  const e = env();
  if (e.AZURE_MODE !== "simulator")
    return {
      ok: false,
      status: 409,
      code: "NotSimulated",
      message: "Atrium is connected to real Azure: nothing to change here.",
    };
  const base = e.ARM_SIMULATOR_URL ?? `https://127.0.0.1:${e.ARM_SIMULATOR_PORT}`;
  let ca: string;
  try {
    ca = fs.readFileSync(e.ARM_SIMULATOR_CA_FILE ?? ".data/simulator/cert.pem", "utf8");
  } catch {
    return {
      ok: false,
      status: 503,
      code: "NoCertificate",
      message: "The ARM simulator's certificate was not found (ARM_SIMULATOR_CA_FILE).",
    };
  }
  const token = process.env.ARM_SIMULATOR_CONTROL_TOKEN;
  const body = JSON.stringify(change);
  return new Promise((resolve) => {
    const req = https.request(
      new URL("/_simulator/out-of-band", base),
      {
        method: "POST",
        ca,
        timeout: 5000,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
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
            // an empty or non-JSON answer is reported by its status below
          }
          if (res.statusCode === 200)
            return resolve({ ok: true, resource: (parsed.resource ?? {}) as Record<string, unknown> });
          const error = (parsed.error ?? {}) as { code?: string; message?: string };
          resolve({
            ok: false,
            status: res.statusCode ?? 0,
            code: error.code ?? "SimulatorError",
            message: error.message ?? `The simulator answered ${res.statusCode}.`,
          });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("the simulator did not answer in time")));
    req.on("error", (err) =>
      resolve({
        ok: false,
        status: 503,
        code: "Unreachable",
        message: `The ARM simulator at ${base} is not reachable: ${err.message}.`,
      }),
    );
    req.end(body);
  });
}
