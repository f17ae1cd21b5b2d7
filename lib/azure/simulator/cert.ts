/**
 * Self-signed TLS certificate for 127.0.0.1/localhost, generated on first start and kept in `<certDir>/cert.pem`
 * (+ `key.pem`) so other processes (worker, Playwright, the portal) can trust the same certificate.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { generate } from "selfsigned";

export interface CertPair {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

const LOCK_STALE_MS = 30_000;

function readValid(certPath: string, keyPath: string): CertPair | null {
  try {
    const cert = fs.readFileSync(certPath, "utf8");
    const key = fs.readFileSync(keyPath, "utf8");
    const x509 = new X509Certificate(cert);
    const validTo = new Date(x509.validTo).getTime();
    if (validTo - Date.now() < 24 * 3600_000) return null;
    if (!x509.checkIP("127.0.0.1") || !x509.checkPrivateKey(createPrivateKey(key))) return null;
    return { cert, key, certPath, keyPath };
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function ensureCertificate(certDir: string): Promise<CertPair> {
  const dir = path.resolve(certDir);
  const certPath = path.join(dir, "cert.pem");
  const keyPath = path.join(dir, "key.pem");
  const existing = readValid(certPath, keyPath);
  if (existing) return existing;

  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, ".generating");
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      break;
    } catch {
      // Another process is generating: wait for it, then use its result.
      const ready = readValid(certPath, keyPath);
      if (ready) return ready;
      try {
        if (Date.now() - fs.statSync(lockPath).mtimeMs > LOCK_STALE_MS) fs.rmSync(lockPath, { force: true });
      } catch {
        // lock vanished between the calls
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the simulator certificate in ${dir}`);
      await sleep(50);
    }
  }
  try {
    const again = readValid(certPath, keyPath);
    if (again) return again;
    const now = new Date();
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notBeforeDate: new Date(now.getTime() - 3600_000),
      notAfterDate: new Date(now.getTime() + 5 * 365 * 24 * 3600_000),
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 2, value: "localhost" },
            { type: 7, ip: "127.0.0.1" },
            { type: 7, ip: "::1" },
          ],
        },
      ],
    });
    const suffix = `${process.pid}-${Date.now()}`;
    fs.writeFileSync(`${keyPath}.${suffix}`, pems.private, { mode: 0o600 });
    fs.writeFileSync(`${certPath}.${suffix}`, pems.cert);
    fs.renameSync(`${keyPath}.${suffix}`, keyPath);
    fs.renameSync(`${certPath}.${suffix}`, certPath);
    return { cert: pems.cert, key: pems.private, certPath, keyPath };
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
}
