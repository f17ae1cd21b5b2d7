// [VALIDATION]: an oversized field reaches the action and gets a field message. Next refuses a server-action
// body over `serverActions.bodySizeLimit` before any of our code runs (a 500 "Body exceeded"), so that limit
// must sit above what the decoder accepts and above a 1 MB field.
import { describe, expect, it } from "vitest";
import nextConfig from "@/next.config";
import { DEFAULT_DECODE_LIMITS, decodeFormData } from "./decode";

function bytes(limit: string | number | undefined): number {
  if (typeof limit === "number") return limit;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb)$/i.exec(limit ?? "1mb");
  if (!m) throw new Error(`unreadable body size limit ${limit}`);
  return Number(m[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[m[2].toLowerCase() as "b" | "kb" | "mb"];
}

describe("[VALIDATION]: body limits", () => {
  const nextLimit = bytes(nextConfig.experimental?.serverActions?.bodySizeLimit as string | number | undefined);

  it("lets a 1 MB justification through Next to the decoder, which answers with a field message", async () => {
    const form = new FormData();
    form.set("step", "scope");
    form.set("justification", "x".repeat(1024 * 1024));
    const wire = await new Response(form).arrayBuffer();
    expect(wire.byteLength).toBeLessThan(nextLimit);
    const decoded = decodeFormData(form);
    expect(decoded.ok ? {} : decoded.fieldErrors).toEqual({
      justification: ["This text is too long (over 10,000 characters)."],
    });
  });

  it("keeps the decoder's whole-body cap under Next's limit, even at three UTF-8 bytes per character", () => {
    expect(DEFAULT_DECODE_LIMITS.maxBodyChars * 3).toBeLessThan(nextLimit);
  });
});
