/** Small JSON helpers shared by the engine and the resource providers. */
import type { Json } from "./store";

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown): Json {
  return isObject(v) ? v : {};
}

/** Objects merge key by key; anything else in `overlay` replaces what `base` has. */
export function deepMerge(base: Json, overlay: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    out[k] = isObject(v) && isObject(base[k]) ? deepMerge(base[k] as Json, v) : v;
  }
  return out;
}

export function isoNow(ms: number): string {
  return new Date(ms).toISOString();
}

/** ISO-8601 duration (PnDTnHnMnS) in ms, or null when unparsable. */
export function parseIsoDuration(value: string): number | null {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
    value,
  );
  if (!m || value === "P" || /T$/i.test(value)) return null;
  const [, d, h, mi, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}
