/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit), arrays in order, undefined members left out
 * (undefined elsewhere is `null`), Dates as their ISO string — what JSON.stringify followed by a jsonb round trip
 * (which reorders keys) gives back, so a hash over it survives storage. Pure; the plan hashes and the audit chain
 * both use it.
 *
 * One rule differs between them, hence the option. `nonFinite: "throw"` (the default, for plans): NaN/Infinity in a
 * hashed plan is a bug, and hashing it as `null` would bind an approval to a value nobody asked for. `"null"` (the
 * audit trail): an audit write must not fail on a stray NaN in a before/after snapshot, and jsonb stores it as
 * `null` anyway, which is what the verifier reads back and re-hashes.
 */
export interface CanonicalJsonOptions {
  nonFinite?: "throw" | "null";
}

export function canonicalJson(value: unknown, options: CanonicalJsonOptions = {}): string {
  const nonFinite = options.nonFinite ?? "throw";
  const encode = (v: unknown): string => {
    if (v instanceof Date) return JSON.stringify(v.toISOString());
    if (v === null || typeof v !== "object") {
      if (typeof v === "number" && !Number.isFinite(v) && nonFinite === "throw") {
        throw new TypeError("canonicalJson: non-finite number");
      }
      // undefined, functions and symbols have no JSON form: null, as JSON.stringify does in arrays
      return JSON.stringify(v) ?? "null";
    }
    if (Array.isArray(v)) return `[${v.map(encode).join(",")}]`;
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, m]) => m !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, m]) => `${JSON.stringify(k)}:${encode(m)}`).join(",")}}`;
  };
  return encode(value);
}
