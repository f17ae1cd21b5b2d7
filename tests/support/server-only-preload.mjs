// Preloaded (node --import) into processes that load server code outside Next.js and outside the react-server
// condition (whose React build lacks what some route modules import): `server-only` resolves to an empty module,
// as Next.js resolves it on the server and as vitest's alias does.
import Module from "node:module";
import path from "node:path";

const empty = path.resolve(import.meta.dirname, "empty-module.ts");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, request === "server-only" ? empty : request, ...rest);
};
