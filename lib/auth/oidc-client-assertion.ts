// Certificate credentials for the Entra app registration: an RFC 7523 client assertion signed with the
// certificate's private key, carrying the thumbprints Entra ID uses to find the uploaded certificate.
// Pure (node:crypto only), unit-tested.
import { createPrivateKey, createSign, randomUUID, X509Certificate, type KeyObject } from "node:crypto";

export type ClientAssertionSigner = (context: { clientId: string; tokenEndpoint: string }) => string;

const b64url = (value: Buffer | string) => Buffer.from(value).toString("base64url");

/** `pem` holds the private key (PKCS#8 or PKCS#1) and the certificate, in any order. */
export function certificateAssertionSigner(pem: string, now: () => number = Date.now): ClientAssertionSigner {
  const certPem = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0];
  const keyPem = pem.match(/-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+?-----END (RSA )?PRIVATE KEY-----/)?.[0];
  if (!certPem || !keyPem)
    throw new Error("ENTRA_CLIENT_CERTIFICATE_FILE must contain a PEM certificate and its unencrypted RSA private key");
  const cert = new X509Certificate(certPem);
  const key: KeyObject = createPrivateKey(keyPem);
  if (!cert.checkPrivateKey(key))
    throw new Error("ENTRA_CLIENT_CERTIFICATE_FILE: the private key does not belong to the certificate");
  const header = {
    alg: "RS256",
    typ: "JWT",
    x5t: b64url(Buffer.from(cert.fingerprint.replaceAll(":", ""), "hex")),
    "x5t#S256": b64url(Buffer.from(cert.fingerprint256.replaceAll(":", ""), "hex")),
  };
  return ({ clientId, tokenEndpoint }) => {
    const iat = Math.floor(now() / 1000);
    const payload = {
      aud: tokenEndpoint,
      iss: clientId,
      sub: clientId,
      jti: randomUUID(),
      iat,
      nbf: iat,
      exp: iat + 300,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = createSign("RSA-SHA256").update(input).sign(key);
    return `${input}.${b64url(signature)}`;
  };
}
