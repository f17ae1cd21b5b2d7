// The production portal as several Node.js processes: `node scripts/serve-cluster.mjs <port> <host> <workers>`.
// Started by scripts/start.ts instead of `next start` when WEB_CONCURRENCY > 1. The primary process only
// forks the workers and hands incoming connections to them (node:cluster, round-robin); every worker is a
// complete Next.js server (Next's documented custom-server API, the same request handler `next start` uses).
// Nothing is shared between workers but the database: sessions and roles are read per request anyway.
// Plain JavaScript run by plain `node`, like `next start` (not under the react-server condition).
import cluster from "node:cluster";
import { createServer } from "node:http";
import next from "next";

const [portArg, host = "127.0.0.1", workersArg = "2"] = process.argv.slice(2);
const port = Number(portArg);
const workers = Math.max(1, Number(workersArg) || 1);

if (cluster.isPrimary) {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  };
  cluster.on("exit", (worker, code, signal) => {
    if (!stopping) {
      // A worker that dies takes the whole server down, so the launcher notices (it stops everything).
      console.error(`[atrium] web worker ${worker.process.pid} exited (${signal ?? code}); stopping the server.`);
      process.exitCode = typeof code === "number" && code !== 0 ? code : 1;
      stop();
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
  });
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  for (let i = 0; i < workers; i++) cluster.fork();
  let ready = 0;
  cluster.on("listening", () => {
    if (++ready === workers) console.log(`[atrium] Next.js ready on http://${host}:${port} (${workers} processes)`);
  });
} else {
  const app = next({ dev: false, dir: process.cwd(), hostname: host, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => void handle(req, res));
  server.listen(port, host);
  // Like `next start`: stop accepting, let requests in flight finish (idle keep-alive sockets close at once),
  // and give up on stragglers (a long export download) after a few seconds.
  const close = () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", close);
  process.on("SIGINT", () => {
    // Ctrl-C reaches the whole process group; the primary decides when workers stop.
  });
}
