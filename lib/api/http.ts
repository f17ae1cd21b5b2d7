import "server-only";
import { z } from "zod";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { decodeJson } from "@/lib/validation/decode";

// The HTTP conventions of API v1: RFC 9457 problem details, JSON bodies read with a size cap, ETags from versions.

export const PROBLEM_TYPE_BASE = "https://atrium.dev/problems/";

const STATUS_OF: Record<AppErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID: 422,
  UNAVAILABLE: 503,
};

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthenticated",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  412: "Precondition failed",
  413: "Content too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  429: "Too many requests",
  503: "Service unavailable",
};

export type ProblemInit = {
  status: number;
  type: string;
  detail: string;
  errors?: Record<string, string[]>;
  headers?: HeadersInit;
};

/** An `application/problem+json` response; `errors` carries field-level messages keyed by dotted path. */
export function problem({ status, type, detail, errors, headers }: ProblemInit): Response {
  const body = {
    type: `${PROBLEM_TYPE_BASE}${type}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...(errors && Object.keys(errors).length ? { errors } : {}),
  };
  const h = new Headers(headers);
  h.set("content-type", "application/problem+json");
  h.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status, headers: h });
}

export function problemFromAppError(error: AppError): Response {
  const status = STATUS_OF[error.code];
  return problem({
    status,
    type: error.code.toLowerCase().replace("_", "-"),
    detail: error.message,
    errors: error.fieldErrors,
  });
}

/** A JSON success response (never cached: every answer depends on who asks). */
export function json(body: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  const h = new Headers(init.headers);
  h.set("content-type", "application/json; charset=utf-8");
  h.set("cache-control", "private, no-store");
  return new Response(JSON.stringify(body), { status: init.status ?? 200, headers: h });
}

/** Thrown inside handlers for the HTTP-only refusals (415, 413, 412, 400); turned into a problem response. */
export class HttpProblem extends Error {
  constructor(readonly init: ProblemInit) {
    super(init.detail);
  }
}

export const MAX_BODY_BYTES = 256 * 1024;

/** The raw text of a JSON body, refused unless it is JSON and at most MAX_BODY_BYTES. */
export async function readBodyText(request: Request): Promise<string> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new HttpProblem({
      status: 415,
      type: "unsupported-media-type",
      detail: "Send the body as application/json.",
    });
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge() {
  return new HttpProblem({
    status: 413,
    type: "content-too-large",
    detail: `A request body has at most ${MAX_BODY_BYTES} bytes.`,
  });
}

/**
 * Decodes a JSON body with the shared safe decoder (lib/validation): null-prototype objects, no `__proto__` or
 * `constructor` keys, bounded depth, counts and sizes, no control characters. An empty body is `{}`. What the decoder
 * refuses is a 400 with field-level messages; what the schema refuses afterwards is a 422.
 */
export function decodeBody(text: string): Record<string, unknown> {
  if (text.trim() === "") return Object.create(null) as Record<string, unknown>;
  const decoded = decodeJson(text, { maxBodyChars: MAX_BODY_BYTES });
  if (decoded.ok) return decoded.data;
  throw new HttpProblem({
    status: 400,
    type: "malformed-body",
    detail: decoded.fieldErrors[""]?.[0] ?? decoded.message,
    errors: decoded.fieldErrors,
  });
}

/** Parses with a shared schema; field-level messages come back as a 422 problem. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: Record<string, string[]> = {};
  for (const issue of result.error.issues) (errors[issue.path.map(String).join(".")] ??= []).push(issue.message);
  throw new AppError("INVALID", "Some fields need your attention.", errors);
}

/** Query parameters through a schema (unknown keys ignored; invalid values are a 422 with field errors). */
export function parseQuery<S extends z.ZodType>(schema: S, request: Request): z.infer<S> {
  const params = new URL(request.url).searchParams;
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key of new Set(params.keys())) record[key] = params.get(key) ?? "";
  return parseBody(schema, record);
}

/** The ETag of a versioned resource. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version an `If-Match` header names: null when absent, "*" for any, or the number. Anything else can't match a
 * version of ours, which RFC 9110 answers with 412.
 */
export function ifMatchVersion(request: Request): number | "*" | null {
  const header = request.headers.get("if-match");
  if (header === null) return null;
  if (header.trim() === "*") return "*";
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match) throw staleVersion();
  return Number(match[1]);
}

export function staleVersion(): HttpProblem {
  return new HttpProblem({
    status: 412,
    type: "precondition-failed",
    detail: "The resource changed since you read it (If-Match does not name its current ETag). Read it again.",
  });
}

/** Checks If-Match against the current version; returns the version the change must be conditional on. */
export function versionForChange(request: Request, current: number): number {
  const wanted = ifMatchVersion(request);
  if (wanted !== null && wanted !== "*" && wanted !== current) throw staleVersion();
  return current;
}

export const uuidParam = z.uuid();

/** A path id; anything not a UUID is simply not found (no existence leak, no parser error text). */
export function idParam(value: string | undefined): string {
  const result = uuidParam.safeParse(value);
  if (!result.success) throw new AppError("NOT_FOUND", "Not found.");
  return result.data;
}
