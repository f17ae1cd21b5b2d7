/** HTTP helpers shared by the ARM routes and the control endpoints: bounded body reading, headers, JSON replies. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ArmError } from "./errors";

/** ARM refuses request bodies over 4 MB (413 RequestContentTooLarge). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Reads a request body of at most MAX_BODY_BYTES. A larger body is read to its end and dropped, so the client gets ARM's
 * 413 RequestContentTooLarge instead of a reset connection; a client that keeps sending far past the limit is cut off.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (size > MAX_DRAIN_BYTES) req.destroy();
      else if (!tooLarge) chunks.push(c);
    });
    req.on("end", () => {
      if (tooLarge) reject(tooLargeError());
      else resolve(chunks.length === 0 ? "" : Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

const tooLargeError = () =>
  new ArmError(413, "RequestContentTooLarge", "The request content size exceeds the maximum size of 4 MB.");

export function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(text
      ? { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) }
      : { "Content-Length": 0 }),
    ...extra,
  });
  res.end(text);
}
