// Real worker processes for the crash tests (`npm run worker`'s script, spawned with node --import tsx so that the pid
// is the worker itself): start them against a simulator, SIGKILL them, and follow which one holds which request from
// their own start/end lines.
import { spawn, type ChildProcess } from "node:child_process";
import type { ArmSimulator } from "@/lib/azure/simulator/server";

export type Line = { pid: number; at: number; text: string };

export class WorkerProcesses {
  readonly lines: Line[] = [];
  readonly children = new Set<ChildProcess>();
  readonly killedAt = new Map<number, number>();

  constructor(private readonly sim: ArmSimulator) {}

  start(extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
      env: {
        ...process.env,
        NODE_ENV: "test",
        AZURE_MODE: "simulator",
        ARM_SIMULATOR_URL: this.sim.url,
        ARM_SIMULATOR_CA_FILE: this.sim.certPath,
        ATRIUM_WORKER_JOBS: "4",
        ATRIUM_WORKER_MONITOR_SECONDS: "2",
        ATRIUM_PROVISION_POLL_MS: "20",
        ATRIUM_PROVISION_RETRY_BASE_MS: "50",
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    return new Promise((resolve, reject) => {
      let buffer = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        let i;
        while ((i = buffer.indexOf("\n")) >= 0) {
          const text = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          this.lines.push({ pid: child.pid!, at: Date.now(), text });
          if (text.includes("listening on")) resolve(child);
        }
      });
      child.stderr!.on("data", (chunk: Buffer) =>
        this.lines.push({ pid: child.pid!, at: Date.now(), text: `stderr: ${chunk.toString()}` }),
      );
      child.once("exit", (code) =>
        reject(new Error(`worker exited (${code}) before listening:\n${this.lines.map((l) => l.text).join("\n")}`)),
      );
    });
  }

  kill(child: ChildProcess) {
    this.killedAt.set(child.pid!, Date.now());
    child.kill("SIGKILL");
  }

  /** The worker process currently running a request (from the workers' own start/end lines). */
  holderOf(requestId: string): ChildProcess | null {
    let holder: number | null = null;
    for (const l of this.lines) {
      if (!l.text.includes(`request=${requestId}`)) continue;
      if (l.text.includes(" start ")) holder = l.pid;
      else if (l.text.includes(" end ") || l.text.includes(" released ")) holder = null;
    }
    return [...this.children].find((c) => c.pid === holder) ?? null;
  }

  async stopAll(signal: NodeJS.Signals = "SIGTERM") {
    for (const c of [...this.children]) c.kill(signal);
    await until("workers stopped", async () => this.children.size === 0, 30_000, this);
  }

  tail(n = 30): string {
    return this.lines
      .slice(-n)
      .map((l) => `${l.pid} ${l.text}`)
      .join("\n");
  }
}

/** Polls until `probe` returns something truthy; the workers' last lines explain a timeout. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
  workers?: WorkerProcesses,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${workers?.tail() ?? ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
