// A web process for the several-processes test: serves the API v1 route handlers (the same handlers Next.js serves)
// over HTTP through the node:http adapter the CLI test uses, in a process of its own, and prints its URL.
import { startApiServer } from "./api-support";

void startApiServer().then((server) => {
  console.log(`web listening ${server.url}`);
  process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
});
