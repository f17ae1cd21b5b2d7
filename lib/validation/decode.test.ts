// [VALIDATION]: the safe decoder. Hostile names and shapes never touch Object.prototype, never build a huge
// array, always come back quickly, and are reported as field-level messages.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_DECODE_LIMITS, decodeFormData, decodeJson, decodeJsonValue, type DecodeResult } from "./decode";

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

function form(entries: [string, string | Blob][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

function expectPrototypeUntouched() {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
  const probe = {} as Record<string, unknown>;
  for (const key of ["x", "polluted", "justification", "email"]) expect(probe[key]).toBeUndefined();
}

function refused(r: DecodeResult) {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.data)}`);
  return r.fieldErrors;
}

afterEach(expectPrototypeUntouched);

describe("[VALIDATION]: decodeFormData", () => {
  it("nests dotted and bracketed names into null-prototype objects and hole-free arrays", () => {
    const r = decodeFormData(
      form([
        ["members.0.email", "a@contoso.com"],
        ["members[0][role]", "mlops"],
        ["members.7.email", "b@contoso.com"],
        ["compute[devClusters].0.maxNodes", "3"],
        ["environments", "dev"],
        ["environments", "prod"],
        ["$ACTION_ID_abc", ""],
      ]),
    );
    expect(r).toEqual({
      ok: true,
      data: {
        members: [{ email: "a@contoso.com", role: "mlops" }, { email: "b@contoso.com" }],
        compute: { devClusters: [{ maxNodes: "3" }] },
        environments: ["dev", "prod"],
      },
    });
    const data = (r as { data: Record<string, unknown> }).data;
    expect(Object.getPrototypeOf(data)).toBeNull();
    expect(Object.getPrototypeOf((data.members as object[])[0])).toBeNull();
  });

  it.each([
    "__proto__.justification",
    "__proto__[polluted]",
    "constructor.prototype.polluted",
    "constructor[prototype][polluted]",
    "a[__proto__][polluted]",
    "a.__PROTO__.polluted",
    "members.0.constructor.prototype.email",
    "x.Prototype",
    "[__proto__]",
    "__proto__",
  ])("refuses the path %s and writes nothing to Object.prototype", (name) => {
    const errors = refused(decodeFormData(form([[name, "yes"]])));
    expect(Object.values(errors).flat()).toContain("A field name is not allowed.");
  });

  it("refuses huge indexes without allocating: members.4294967294.email answers at once", () => {
    const started = performance.now();
    for (const index of ["4294967294", "4294967295", "99999999999999999999", "200", "007"]) {
      const errors = refused(decodeFormData(form([[`members.${index}.email`, "a@contoso.com"]])));
      expect(errors.members).toEqual([`A list here has at most ${DEFAULT_DECODE_LIMITS.maxArrayLength} entries.`]);
    }
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("refuses deep nesting, too many fields, malformed names and conflicting shapes", () => {
    expect(refused(decodeFormData(form([["a.".repeat(50) + "b", "x"]])))[""]).toEqual([
      `A field name is nested too deeply (at most ${DEFAULT_DECODE_LIMITS.maxDepth} levels).`,
    ]);
    const many = form(Array.from({ length: 5000 }, (_, i) => [`k${i}`, "v"] as [string, string]));
    expect(refused(decodeFormData(many))[""]).toEqual(["This form sends too many fields (at most 1000)."]);
    for (const name of ["a..b", ".a", "a.", "a[", "a]", "a[]", "a[b]c", "0", "0.email", ""]) {
      expect(decodeFormData(form([[name, "x"]])).ok, name).toBe(false);
    }
    expect(
      refused(
        decodeFormData(
          form([
            ["a", "1"],
            ["a.b", "2"],
          ]),
        ),
      ),
    ).toEqual({
      a: ["This field is sent in two different shapes."],
    });
    expect(
      refused(
        decodeFormData(
          form([
            ["a.0", "1"],
            ["a.b", "2"],
          ]),
        ),
      ),
    ).toEqual({
      a: ["This field is sent both as a list and as a group."],
    });
  });

  it("refuses NUL and control characters per field, keeps tabs and line breaks", () => {
    const errors = refused(
      decodeFormData(
        form([
          ["justification", "fraud\u0000models"],
          ["comment", "bell\u0007"],
          ["reason", "ok\r\n\tfine"],
        ]),
      ),
    );
    expect(Object.keys(errors).sort()).toEqual(["comment", "justification"]);
    expect(errors.justification).toEqual(["Remove the control characters (such as NUL) from this text."]);
    expect(decodeFormData(form([["reason", "line one\r\nline\ttwo"]])).ok).toBe(true);
    expect(refused(decodeFormData(form([["na\u0000me", "x"]])))[""]).toEqual([
      "A field name contains control characters.",
    ]);
  });

  it("answers an over-long field and an oversized body with messages, and refuses files", () => {
    const long = refused(decodeFormData(form([["justification", "x".repeat(1024 * 1024)]])));
    expect(long.justification).toEqual(["This text is too long (over 10,000 characters)."]);
    const big = form(Array.from({ length: 60 }, (_, i) => [`f${i}`, "y".repeat(9_999)] as [string, string]));
    expect(refused(decodeFormData(big))[""]).toEqual(["This form is too large to accept."]);
    expect(refused(decodeFormData(form([["file", new Blob(["x"])]])))[""]).toEqual([
      "This form does not accept files.",
    ]);
  });

  it("property: any name built from hostile segments leaves Object.prototype untouched and returns quickly", () => {
    const segment = fc.oneof(
      fc.constantFrom("__proto__", "constructor", "prototype", "__PROTO__", "Constructor", "toString", "valueOf"),
      fc.constantFrom("0", "1", "4294967294", "4294967295", "1e9", "-1", "00", "members", "email", "x"),
      fc.string({ maxLength: 6 }),
    );
    const name = fc
      .array(fc.tuple(segment, fc.boolean()), { minLength: 1, maxLength: 12 })
      .map((parts) => parts.map(([s, bracket], i) => (bracket ? `[${s}]` : i === 0 ? s : `.${s}`)).join(""));
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom("\u0000", "yes", "\uD800", "x".repeat(20_000)),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 20 }), (entries) => {
        const started = performance.now();
        const r = decodeFormData(form(entries));
        expect(performance.now() - started).toBeLessThan(500);
        expectPrototypeUntouched();
        if (r.ok) assertSafeTree(r.data, 0);
        else expect(Object.keys(r.fieldErrors).length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

/** Every object is null-prototype, has no forbidden key, arrays are short and dense, strings are clean. */
function assertSafeTree(value: unknown, depth: number): void {
  expect(depth).toBeLessThanOrEqual(DEFAULT_DECODE_LIMITS.maxDepth);
  if (value === null || typeof value === "number" || typeof value === "boolean") return;
  if (typeof value === "string") {
    expect(value).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
    expect(value.length).toBeLessThanOrEqual(DEFAULT_DECODE_LIMITS.maxStringLength);
    return;
  }
  if (Array.isArray(value)) {
    expect(value.length).toBeLessThanOrEqual(DEFAULT_DECODE_LIMITS.maxArrayLength);
    for (let i = 0; i < value.length; i++) {
      expect(i in value).toBe(true);
      assertSafeTree(value[i], depth + 1);
    }
    return;
  }
  expect(Object.getPrototypeOf(value)).toBeNull();
  for (const key of Object.keys(value as object)) {
    expect(["__proto__", "constructor", "prototype"]).not.toContain(key.toLowerCase());
    assertSafeTree((value as Record<string, unknown>)[key], depth + 1);
  }
}

describe("[VALIDATION]: decodeJson", () => {
  it("rebuilds JSON as null-prototype objects", () => {
    const r = decodeJson('{"team":"fraud","members":[{"email":"a@contoso.com"}],"n":1,"b":true,"z":null}');
    expect(r).toEqual({
      ok: true,
      data: { team: "fraud", members: [{ email: "a@contoso.com" }], n: 1, b: true, z: null },
    });
    expect(Object.getPrototypeOf((r as { data: object }).data)).toBeNull();
  });

  it.each([
    '{"__proto__":{"polluted":true}}',
    '{"a":{"__proto__":{"polluted":true}}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"members":[{"Prototype":1}]}',
  ])("refuses %s", (text) => {
    const errors = refused(decodeJson(text));
    expect(Object.values(errors).flat()).toContain("A property name is not allowed.");
  });

  it("refuses bad syntax, non-objects, big bodies, deep nesting, long lists, NUL and long strings", () => {
    expect(refused(decodeJson("{"))[""]).toEqual(["The body is not valid JSON."]);
    expect(refused(decodeJson("[1,2]"))[""]).toEqual(["The body must be a JSON object."]);
    expect(refused(decodeJson(" ".repeat(DEFAULT_DECODE_LIMITS.maxBodyChars + 1)))[""]).toEqual([
      "The body is too large to accept.",
    ]);
    expect(decodeJson(`{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`).ok).toBe(false);
    expect(refused(decodeJson(`{"members":[${Array(201).fill("{}").join(",")}]}`)).members).toEqual([
      "A list here has at most 200 entries.",
    ]);
    expect(refused(decodeJson('{"justification":"a\\u0000b"}')).justification).toEqual([
      "Remove the control characters (such as NUL) from this text.",
    ]);
    expect(refused(decodeJson(JSON.stringify({ reason: "x".repeat(10_001) }))).reason).toEqual([
      "This text is too long (over 10,000 characters).",
    ]);
  });

  it("decodes values a caller built, refusing anything that is not plain data", () => {
    expect(decodeJsonValue({ id: "x", n: undefined }).ok).toBe(true);
    expect(decodeJsonValue(new Date()).ok).toBe(false);
    expect(decodeJsonValue({ when: new Date() }).ok).toBe(false);
    expect(decodeJsonValue({ n: Number.NaN }).ok).toBe(false);
    expect(decodeJsonValue("text").ok).toBe(false);
  });

  it("property: any JSON document is rebuilt safely or refused, quickly", () => {
    const hostileKey = fc.constantFrom("__proto__", "constructor", "prototype", "a", "email", "0");
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.string({ maxLength: 10 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 5 }),
        fc.dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 5 })), tie("value"), { maxKeys: 5 }),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 5 })), json.value), (doc) => {
        // JSON.stringify keeps an own "__proto__" key, exactly as a hostile client would send it.
        const text = JSON.stringify(doc);
        const started = performance.now();
        const r = decodeJson(text);
        expect(performance.now() - started).toBeLessThan(500);
        expectPrototypeUntouched();
        if (r.ok) assertSafeTree(r.data, 0);
      }),
      { numRuns: 300 },
    );
  });
});
