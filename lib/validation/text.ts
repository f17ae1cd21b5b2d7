/**
 * Rules for text people type. Pure (safe in the browser).
 *
 * "At least 20 characters" means 20 characters a reader can see: zero-width and other default-ignorable
 * characters (U+200B, U+2060, U+FEFF, Hangul fillers, variation selectors…) do not count, and a run of
 * whitespace counts once. Control characters are refused rather than stripped, so what is stored is exactly
 * what was typed; line breaks and tabs stay allowed in free text.
 */
import { z } from "zod";

/** C0 and C1 controls and DEL, except tab, line feed and carriage return (a textarea posts CRLF). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
/** A UTF-16 surrogate without its pair: not text, and PostgreSQL cannot store it as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}\u2800]/gu;
const WHITESPACE_RUN = /[\p{White_Space}]+/gu;

export const CONTROL_CHARACTER_MESSAGE = "Remove the control characters (such as NUL) from this text.";
export const INVALID_TEXT_MESSAGE = "This text contains characters that are not valid (unpaired surrogates).";

/** Why `s` cannot be stored as text, or null when it can. */
export function textProblem(s: string): string | null {
  if (CONTROL.test(s)) return CONTROL_CHARACTER_MESSAGE;
  if (LONE_SURROGATE.test(s)) return INVALID_TEXT_MESSAGE;
  return null;
}

/** The number of characters a reader sees (code points, invisible ones removed, whitespace runs as one). */
export function visibleLength(s: string): number {
  const visible = s.replace(INVISIBLE, "").replace(WHITESPACE_RUN, " ").trim();
  let n = 0;
  for (const _ of visible) n += 1;
  return n;
}

const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : v);

type FreeTextOptions = {
  /** Minimum visible characters (0: any, including empty). */
  min: number;
  /** Maximum stored characters. */
  max: number;
  required: string;
  tooShort?: string;
  tooLong: string;
};

/** Free text (justification, comment, reason): trimmed, no control characters, visible length ≥ min. */
export function freeTextSchema(o: FreeTextOptions) {
  return z.preprocess(
    trimmed,
    z
      .string({ error: o.required })
      .max(o.max, o.tooLong)
      .refine((s) => !CONTROL.test(s), CONTROL_CHARACTER_MESSAGE)
      .refine((s) => !LONE_SURROGATE.test(s), INVALID_TEXT_MESSAGE)
      .refine((s) => o.min === 0 || visibleLength(s) >= o.min, o.tooShort ?? o.required),
  );
}
