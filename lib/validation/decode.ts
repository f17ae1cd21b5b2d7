/**
 * The one safe decoder for untrusted bodies: server-action FormData and JSON. Pure (safe in the browser).
 *
 * It turns a body into null-prototype objects and arrays that a shared zod schema then validates, and refuses,
 * with field-level messages, what no form of ours sends and what would hurt the process:
 * - `__proto__`, `prototype` and `constructor` anywhere in a field path (any casing; dotted or bracket syntax),
 *   so no input can write to `Object.prototype`;
 * - paths deeper than `maxDepth`, array indexes at or past `maxArrayLength` (arrays are built from the indexes
 *   present, never as sparse arrays of the largest index), more than `maxFields` fields or JSON nodes;
 * - strings longer than `maxStringLength`, bodies longer than `maxBodyChars`, control characters (NUL included;
 *   tab, line feed and carriage return allowed) and unpaired surrogates, in values and in names;
 * - files (no form of ours uploads one).
 * The work is linear in the body's size, and the body's size is capped.
 */
import { addFieldError, type FieldErrors } from "./field-errors";
import { textProblem } from "./text";

export type DecodeLimits = {
  maxBodyChars: number;
  maxFields: number;
  maxDepth: number;
  maxArrayLength: number;
  maxStringLength: number;
  maxNameLength: number;
};

/**
 * Defaults sized from the schemas' own maxima: the longest free text is 2,000 characters, the longest list
 * 200 entries (allowed VM sizes; members stop at 50), the deepest path four segments
 * (`compute.devClusters.0.maxNodes`). The body cap stays well under Next's server-action body limit
 * (`serverActions.bodySizeLimit` in next.config.ts), so an oversized field gets our message, not Next's error.
 */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxBodyChars: 512 * 1024,
  maxFields: 1000,
  maxDepth: 6,
  maxArrayLength: 200,
  maxStringLength: 10_000,
  maxNameLength: 200,
};

export type DecodeResult =
  { ok: true; data: Record<string, unknown> } | { ok: false; message: string; fieldErrors: FieldErrors };

export const DECODE_MESSAGE = "Some fields need your attention.";
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);
/** A canonical array index: no sign, no leading zero, at most 9 digits (checked against the cap afterwards). */
const INDEX = /^(?:0|[1-9]\d{0,8})$/;
/** Enough messages for the form to show what is wrong, without letting a hostile body make a huge answer. */
const MAX_MESSAGES = 20;

class Violations {
  readonly errors: FieldErrors = {};
  private count = 0;
  add(field: string, message: string) {
    if (this.count >= MAX_MESSAGES) return;
    this.count += 1;
    addFieldError(this.errors, field, message);
  }
  get any() {
    return this.count > 0;
  }
}

function limitsOf(overrides?: Partial<DecodeLimits>): DecodeLimits {
  return { ...DEFAULT_DECODE_LIMITS, ...overrides };
}

function nullObject(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

const isForbidden = (segment: string) => FORBIDDEN_SEGMENTS.has(segment.toLowerCase());

/** Checks one string value; returns false (and records why) when it must be refused. */
function checkString(value: string, field: string, limits: DecodeLimits, v: Violations): boolean {
  if (value.length > limits.maxStringLength) {
    v.add(field, `This text is too long (over ${limits.maxStringLength.toLocaleString("en-US")} characters).`);
    return false;
  }
  const problem = textProblem(value);
  if (problem) v.add(field, problem);
  return !problem;
}

// ---------------------------------------------------------------------------------------------
// FormData

type Segment = string | number;

/** The path of the segments before a problem, as the field to report it under. */
const fieldOf = (segments: readonly Segment[]) => segments.map(String).join(".");

type ParsedName = { path: Segment[] } | { error: string; field: string };

/**
 * Splits a field name into segments: `members.0.email`, `members[0][email]` and mixes of both. Numeric
 * segments are array indexes. Returns a message instead when the name is not one our forms could send.
 */
function parseName(name: string, limits: DecodeLimits): ParsedName {
  const refuse = (error: string, field = ""): ParsedName => ({ error, field });
  if (name.length === 0 || name.length > limits.maxNameLength) return refuse("A field name is empty or too long.");
  if (textProblem(name)) return refuse("A field name contains control characters.");
  const raw: string[] = [];
  const re = /([^.[\]]+)|\[([^[\]]*)\]|(\.)/gy;
  let expectSegment = true;
  let m: RegExpExecArray | null;
  while (re.lastIndex < name.length && (m = re.exec(name)) !== null) {
    if (m[3] !== undefined) {
      if (expectSegment) return refuse("A field name has an empty part.");
      expectSegment = true;
      continue;
    }
    const segment = m[1] ?? m[2];
    if (segment === "" || (m[1] !== undefined && !expectSegment)) return refuse("A field name is not well formed.");
    raw.push(segment);
    expectSegment = false;
  }
  // A failed sticky match resets lastIndex to 0, so a name with an unparsable rest never ends at its length.
  if (expectSegment || re.lastIndex !== name.length) return refuse("A field name is not well formed.");
  if (raw.some(isForbidden)) return refuse("A field name is not allowed.");
  if (raw.length > limits.maxDepth)
    return refuse(`A field name is nested too deeply (at most ${limits.maxDepth} levels).`);
  if (/^\d+$/.test(raw[0])) return refuse("A field name is not well formed.");
  const path: Segment[] = [];
  for (const s of raw) {
    if (!/^\d+$/.test(s)) {
      path.push(s);
      continue;
    }
    // Checked as text first: `4294967294` must never become an array length.
    const n = INDEX.test(s) ? Number(s) : Number.POSITIVE_INFINITY;
    if (n >= limits.maxArrayLength)
      return refuse(`A list here has at most ${limits.maxArrayLength} entries.`, fieldOf(path));
    path.push(n);
  }
  return { path };
}

type Node =
  { kind: "leaf"; value: string | string[] } | { kind: "branch"; index: boolean; children: Map<Segment, Node> };

function insert(root: Node & { kind: "branch" }, path: Segment[], value: string | string[], v: Violations): void {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const isIndex = typeof segment === "number";
    if (node.children.size > 0 && node.index !== isIndex) {
      v.add(fieldOf(path.slice(0, i)), "This field is sent both as a list and as a group.");
      return;
    }
    node.index = isIndex;
    const last = i === path.length - 1;
    const existing = node.children.get(segment);
    if (last) {
      if (existing) v.add(fieldOf(path), "This field is sent in two different shapes.");
      else node.children.set(segment, { kind: "leaf", value });
      return;
    }
    if (existing?.kind === "leaf") {
      v.add(fieldOf(path.slice(0, i + 1)), "This field is sent in two different shapes.");
      return;
    }
    const next: Node = existing ?? { kind: "branch", index: false, children: new Map() };
    if (!existing) node.children.set(segment, next);
    node = next as Node & { kind: "branch" };
  }
}

/** Arrays keep their entries in index order, without holes: an index only says where an entry goes. */
function materialise(node: Node): unknown {
  if (node.kind === "leaf") return node.value;
  if (node.index) {
    return [...node.children.entries()]
      .sort(([a], [b]) => (a as number) - (b as number))
      .map(([, child]) => materialise(child));
  }
  const out = nullObject();
  for (const [key, child] of node.children) out[key as string] = materialise(child);
  return out;
}

/** Collects a FormData's text entries by name, refusing files, oversize bodies and bad text. */
function collectEntries(formData: FormData, limits: DecodeLimits, v: Violations): Map<string, string[]> | null {
  const byName = new Map<string, string[]>();
  let fields = 0;
  let chars = 0;
  for (const [name, value] of formData.entries()) {
    // React's own bookkeeping for server actions (`$ACTION_ID_…`, `$ACTION_REF_…`) is not form input.
    if (name.startsWith("$")) continue;
    fields += 1;
    // An over-long value is refused on its own with a message under its field, so it counts only up to the
    // cap here: one 1 MB justification gets "too long" next to the field, not a form-level refusal.
    const size = typeof value === "string" ? value.length : value.size;
    chars += name.length + Math.min(size, limits.maxStringLength + 1);
    if (fields > limits.maxFields) {
      v.add("", `This form sends too many fields (at most ${limits.maxFields}).`);
      return null;
    }
    if (chars > limits.maxBodyChars) {
      v.add("", "This form is too large to accept.");
      return null;
    }
    if (typeof value !== "string") {
      v.add("", "This form does not accept files.");
      continue;
    }
    const list = byName.get(name);
    if (list) list.push(value);
    else byName.set(name, [value]);
  }
  return byName;
}

/**
 * Decodes a server action's FormData. Dotted or bracketed names nest (`members.0.email`); a name sent more
 * than once becomes a list (checkbox groups); `$`-prefixed names (React's bookkeeping) are ignored.
 */
export function decodeFormData(formData: FormData, overrides?: Partial<DecodeLimits>): DecodeResult {
  const limits = limitsOf(overrides);
  const v = new Violations();
  const byName = collectEntries(formData, limits, v);
  const root: Node & { kind: "branch" } = { kind: "branch", index: false, children: new Map() };
  for (const [name, values] of byName ?? []) {
    const parsed = parseName(name, limits);
    if ("error" in parsed) {
      v.add(parsed.field, parsed.error);
      continue;
    }
    const { path } = parsed;
    const field = fieldOf(path);
    if (values.length > limits.maxArrayLength) {
      v.add(field, `A list here has at most ${limits.maxArrayLength} entries.`);
      continue;
    }
    if (!values.every((s) => checkString(s, field, limits, v))) continue;
    insert(root, path, values.length > 1 ? values : values[0], v);
  }
  if (v.any) return { ok: false, message: DECODE_MESSAGE, fieldErrors: v.errors };
  return { ok: true, data: materialise(root) as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------
// JSON

/** Rebuilds a parsed JSON value as null-prototype objects, enforcing the same limits as forms. */
function rebuild(
  value: unknown,
  path: string[],
  limits: DecodeLimits,
  v: Violations,
  budget: { nodes: number },
): unknown {
  budget.nodes += 1;
  const field = path.join(".");
  if (budget.nodes > limits.maxFields) {
    if (budget.nodes === limits.maxFields + 1) v.add("", `The body has too many values (at most ${limits.maxFields}).`);
    return undefined;
  }
  if (value === null || value === undefined || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) v.add(field, "Numbers must be finite.");
    return value;
  }
  if (typeof value === "string") return checkString(value, field, limits, v) ? value : undefined;
  if (path.length >= limits.maxDepth) {
    v.add(field, `The body is nested too deeply (at most ${limits.maxDepth} levels).`);
    return undefined;
  }
  if (Array.isArray(value)) {
    if (value.length > limits.maxArrayLength) {
      v.add(field, `A list here has at most ${limits.maxArrayLength} entries.`);
      return undefined;
    }
    return value.map((item, i) => rebuild(item, [...path, String(i)], limits, v, budget));
  }
  if (typeof value === "object" && isPlainRecord(value)) {
    const out = nullObject();
    for (const key of Object.keys(value)) {
      if (key.length > limits.maxNameLength || textProblem(key) || isForbidden(key)) {
        v.add(field, "A property name is not allowed.");
        continue;
      }
      out[key] = rebuild((value as Record<string, unknown>)[key], [...path, key], limits, v, budget);
    }
    return out;
  }
  v.add(field, "This value is not accepted.");
  return undefined;
}

function isPlainRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Decodes an already-parsed value (a bound argument, an object a caller built): the JSON half of the decoder
 * without the text step. Only plain objects, arrays, strings, finite numbers, booleans and null pass.
 */
export function decodeJsonValue(value: unknown, overrides?: Partial<DecodeLimits>): DecodeResult {
  const limits = limitsOf(overrides);
  if (value === null || typeof value !== "object" || Array.isArray(value) || !isPlainRecord(value)) {
    return {
      ok: false,
      message: "The body must be a JSON object.",
      fieldErrors: { "": ["The body must be a JSON object."] },
    };
  }
  const v = new Violations();
  const data = rebuild(value, [], limits, v, { nodes: 0 }) as Record<string, unknown>;
  return v.any ? { ok: false, message: DECODE_MESSAGE, fieldErrors: v.errors } : { ok: true, data };
}

/** Decodes a JSON request body (text): size first, then syntax, then the same checks as forms. */
export function decodeJson(text: string, overrides?: Partial<DecodeLimits>): DecodeResult {
  const limits = limitsOf(overrides);
  if (text.length > limits.maxBodyChars) {
    const message = "The body is too large to accept.";
    return { ok: false, message, fieldErrors: { "": [message] } };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const message = "The body is not valid JSON.";
    return { ok: false, message, fieldErrors: { "": [message] } };
  }
  return decodeJsonValue(parsed, limits);
}
