// The browsable API reference at /api/docs: plain HTML rendered on the server from the OpenAPI document, with no
// script at all (it works under the strict CSP and with JavaScript off) and no third-party assets. Pure module.
import { openApiDocument } from "./openapi";

type Doc = ReturnType<typeof openApiDocument>;
type OperationObject = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  "x-atrium-scope"?: string;
  "x-atrium-permissions"?: string[];
  parameters?: { name: string; in: string; required: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
};

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);
const anchor = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "-");

function schemaLink(schema: unknown): string {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  if (ref) {
    const name = ref.split("/").pop()!;
    return `<a href="#schema-${anchor(name)}">${esc(name)}</a>`;
  }
  // Focusable so keyboard users can scroll a wide schema (it overflows horizontally).
  return `<pre tabindex="0">${esc(JSON.stringify(schema, null, 2))}</pre>`;
}

function operationHtml(method: string, path: string, op: OperationObject): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? "yes" : "no"}</td><td>${esc(p.description ?? "")} <code>${esc(JSON.stringify(p.schema ?? {}))}</code></td></tr>`,
    )
    .join("");
  const body = op.requestBody ? `<h4>Body</h4>${schemaLink(op.requestBody.content["application/json"]?.schema)}` : "";
  const responses = Object.entries(op.responses)
    .map(([status, r]) => {
      const content = r.content ? Object.values(r.content)[0]?.schema : undefined;
      return `<li><strong>${esc(status)}</strong> ${esc(r.description)} ${content ? schemaLink(content) : ""}</li>`;
    })
    .join("");
  return `<section id="op-${anchor(op.operationId)}" class="op">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>/api/v1${esc(path)}</code></h3>
<p>${esc(op.summary)}</p>${op.description ? `<p>${esc(op.description)}</p>` : ""}
${op["x-atrium-scope"] ? `<p class="meta">Token scope <code>${esc(op["x-atrium-scope"])}</code>; roles granting any of <code>${esc((op["x-atrium-permissions"] ?? []).join(", "))}</code></p>` : `<p class="meta">Public</p>`}
${params ? `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Schema</th></tr></thead><tbody>${params}</tbody></table>` : ""}
${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#0f172a;background:#f8fafc}
main{max-width:960px;margin:0 auto;padding:24px}nav ul{columns:2;padding-left:18px}
.op{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;margin:16px 0}
.method{display:inline-block;min-width:52px;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:1px 6px}
.get{background:#2563eb}.post{background:#047857}.meta{color:#475569;font-size:14px}
table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}
pre{background:#f1f5f9;padding:8px;overflow:auto;font-size:13px}code{font-size:13px}`;

/** The whole page. Styles come in a <style> element, which the CSP allows ('unsafe-inline' styles, no scripts). */
export function renderDocsPage(doc: Doc = openApiDocument()): string {
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods as Record<string, OperationObject>)) {
      ops.push(operationHtml(method, path, op));
      toc.push(`<li><a href="#op-${anchor(op.operationId)}">${esc(method.toUpperCase())} ${esc(path)}</a></li>`);
    }
  }
  const schemas = Object.entries(doc.components.schemas)
    .map(
      ([name, schema]) => `<section id="schema-${anchor(name)}"><h3>${esc(name)}</h3>${schemaLink(schema)}</section>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} reference</title><style>${STYLE}</style></head><body><main>
<h1>${esc(doc.info.title)} ${esc(doc.info.version)}</h1><p>${esc(doc.info.description)}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Tokens: <a href="/tokens">Tokens page</a>.</p>
<nav aria-label="Operations"><h2>Operations</h2><ul>${toc.join("")}</ul></nav>
<h2>Operations</h2>${ops.join("")}<h2>Schemas</h2>${schemas}</main></body></html>`;
}
