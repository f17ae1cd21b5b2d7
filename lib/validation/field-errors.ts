/**
 * Field-level messages: the one shape every form, action, CLI and API answer uses. Pure (no I/O, safe in
 * the browser), so the plan, the wizard and the server share it without importing a domain module.
 */
import type { z } from "zod";

/** Field errors keyed by dotted path (`compute.devClusters.0.vmSize`), "" for form-level messages. */
export type FieldErrors = Record<string, string[]>;

export type ParseResult<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldErrors };

/**
 * Adds `message` under `field` once. The key is defined as an own property, so a hostile field name such as
 * `__proto__` can never reach a prototype setter; the object stays a plain one because React only serialises
 * plain objects back to the form.
 */
export function addFieldError(errors: FieldErrors, field: string, message: string): void {
  if (!Object.hasOwn(errors, field)) {
    Object.defineProperty(errors, field, { value: [], enumerable: true, writable: true, configurable: true });
  }
  const list = errors[field];
  if (!list.includes(message)) list.push(message);
}

export function issuesToFieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) addFieldError(out, issue.path.map(String).join("."), issue.message);
  return out;
}

export function mergeFieldErrors(...all: FieldErrors[]): FieldErrors {
  const out: FieldErrors = {};
  for (const errs of all) for (const [k, msgs] of Object.entries(errs)) for (const m of msgs) addFieldError(out, k, m);
  return out;
}

export function hasFieldErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

/** Validates with a shared schema; never throws on bad input (a bad input is the user's, not a 500). */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown): ParseResult<T> {
  const r = schema.safeParse(input);
  return r.success ? { ok: true, data: r.data } : { ok: false, fieldErrors: issuesToFieldErrors(r.error.issues) };
}
