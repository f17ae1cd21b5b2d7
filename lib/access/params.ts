/**
 * Route params and search params, parsed with zod like any other input. A URL is input a person can type:
 * what cannot be interpreted answers 404 (a path segment that cannot name anything) or 400 with a message
 * (a query value the page cannot use), never a 500 from a database cast or a BigInt overflow.
 *
 * Pure module (no `server-only`): pages, route handlers, schemas and the simulator's neighbours may import it.
 *
 *   uuidSchema / isUuid        the one UUID check (canonical 8-4-4-4-12 hex, what PostgreSQL's uuid accepts)
 *   isoDateSchema              a real calendar day, YYYY-MM-DD (2024-02-30 and 2024-13-45 are refused)
 *   boundedIntSchema(min,max)  digits only, within bounds (a 19-digit id does not overflow bigint)
 *   parseSearchParams          a search-params object or URLSearchParams through a schema, with field messages
 */
import { z } from "zod";

/** The one UUID pattern. Lenient on version/variant nibbles on purpose: seeded and Azure ids are not all RFC 4122. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const uuidSchema = z.string().regex(UUID_PATTERN, "Not a valid id.");

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}

/** A calendar day as written in URLs and forms; the day must exist (checked by a UTC round trip). */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date written YYYY-MM-DD.")
  .refine((s) => {
    const [y, m, d] = s.split("-").map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 1970;
  }, "That day does not exist.");

/** A whole number written in decimal within [min, max]; compared as BigInt so huge inputs cannot overflow. */
export function boundedIntSchema(min: bigint, max: bigint, label = "number") {
  return z
    .string()
    .regex(/^\d{1,30}$/, `The ${label} must be a whole number.`)
    .transform((s) => BigInt(s))
    .refine((n) => n >= min && n <= max, `The ${label} is out of range.`);
}

/** PostgreSQL's int4 and int8 upper bounds: what an `int` or `bigint` column can hold. */
export const INT4_MAX = 2_147_483_647n;
export const INT8_MAX = 9_223_372_036_854_775_807n;

export type SearchParamsLike = URLSearchParams | Record<string, string | string[] | undefined>;

export type ParamsResult<T> =
  { ok: true; data: T } | { ok: false; message: string; fieldErrors: Record<string, string[]> };

/**
 * The first value of each key, in a null-prototype object (a key named `__proto__` stays a plain key),
 * parsed with `schema`. Repeated keys keep their first value, as `URLSearchParams.get` does.
 */
export function parseSearchParams<S extends z.ZodType>(schema: S, params: SearchParamsLike): ParamsResult<z.infer<S>> {
  const record: Record<string, string> = Object.create(null);
  if (params instanceof URLSearchParams) {
    for (const [key, value] of params) if (!(key in record)) record[key] = value;
  } else {
    for (const [key, value] of Object.entries(params)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === "string") record[key] = first;
    }
  }
  const result = schema.safeParse(record);
  if (result.success) return { ok: true, data: result.data };
  const flat = z.flattenError(result.error);
  const fieldErrors = flat.fieldErrors as Record<string, string[]>;
  const first = Object.entries(fieldErrors)[0];
  const message = first ? `${first[0]}: ${first[1][0]}` : (flat.formErrors[0] ?? "This address is not valid.");
  return { ok: false, message, fieldErrors };
}
