import { createHash, createVerify, X509Certificate } from "node:crypto";
import { generate } from "selfsigned";
import { describe, expect, it } from "vitest";
import { certificateAssertionSigner } from "@/lib/auth/oidc-client-assertion";

describe("[ENTRA]: certificate client assertion", () => {
  it("signs an RS256 assertion for the token endpoint with the certificate's thumbprints", async () => {
    const pems = await generate([{ name: "commonName", value: "atrium-test" }], { keySize: 2048, algorithm: "sha256" });
    const sign = certificateAssertionSigner(`${pems.private}\n${pems.cert}`, () => 1_700_000_000_000);
    const jwt = sign({ clientId: "client-1", tokenEndpoint: "https://login.microsoftonline.com/t/oauth2/v2.0/token" });
    const [h, p, s] = jwt.split(".");
    const header = JSON.parse(Buffer.from(h, "base64url").toString());
    const payload = JSON.parse(Buffer.from(p, "base64url").toString());
    const der = new X509Certificate(pems.cert).raw;
    expect(header).toMatchObject({ alg: "RS256", typ: "JWT", x5t: createHash("sha1").update(der).digest("base64url") });
    expect(header["x5t#S256"]).toBe(createHash("sha256").update(der).digest("base64url"));
    expect(payload).toMatchObject({
      aud: "https://login.microsoftonline.com/t/oauth2/v2.0/token",
      iss: "client-1",
      sub: "client-1",
      iat: 1_700_000_000,
      exp: 1_700_000_300,
    });
    expect(
      createVerify("RSA-SHA256")
        .update(`${h}.${p}`)
        .verify(new X509Certificate(pems.cert).publicKey, Buffer.from(s, "base64url")),
    ).toBe(true);
  });

  it("refuses a key that does not belong to the certificate", async () => {
    const a = await generate([{ name: "commonName", value: "a" }], { keySize: 2048 });
    const b = await generate([{ name: "commonName", value: "b" }], { keySize: 2048 });
    expect(() => certificateAssertionSigner(`${a.private}\n${b.cert}`)).toThrow(/does not belong/);
  });
});
