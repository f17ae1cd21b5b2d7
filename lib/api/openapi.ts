// The OpenAPI 3.1 document of API v1, generated from the operation registry and its zod schemas. Pure module.
import { z } from "zod";
import { OPERATIONS, type Operation } from "./operations";
import { problemSchema } from "./schemas";

type JsonSchema = Record<string, unknown>;

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

/** Collects every schema with a `.meta({ id })` under components; inline uses become $refs. */
function schemaConverter() {
  const components: Record<string, JsonSchema> = {};
  const convert = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
    const generated = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any", reused: "inline" });
    // Schemas with an id land in $defs; OpenAPI keeps them under components.schemas.
    const doc = JSON.parse(
      JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/'),
    ) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
      id?: string;
    };
    const { $defs, $schema: _ignored, id: _id, ...rest } = doc;
    for (const [id, def] of Object.entries($defs ?? {})) components[id] = def;
    const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    if (id) {
      components[id] = rest;
      return { $ref: `#/components/schemas/${id}` };
    }
    return rest;
  };
  return { convert, components };
}

function parameters(op: Operation, convert: (s: z.ZodType, io: "input") => JsonSchema) {
  const params: JsonSchema[] = [];
  for (const name of op.path.match(/\{(\w+)\}/g) ?? []) {
    params.push({
      name: name.slice(1, -1),
      in: "path",
      required: true,
      schema: { type: "string", format: "uuid" },
    });
  }
  if (op.query) {
    for (const [name, field] of Object.entries(op.query.shape)) {
      const schema = convert(field as z.ZodType, "input");
      const optional = (field as z.ZodType).safeParse(undefined).success;
      params.push({ name, in: "query", required: !optional, schema });
    }
  }
  if (op.idempotent) {
    params.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "Makes the POST safe to retry: a repeat with the same key replays the first answer for 24 hours.",
      schema: { type: "string", minLength: 1, maxLength: 255 },
    });
  }
  if (op.ifMatch) {
    params.push({
      name: "If-Match",
      in: "header",
      required: false,
      description: "The ETag you read; a stale one is refused with 412.",
      schema: { type: "string" },
    });
  }
  return params;
}

function operationObject(op: Operation, convert: ReturnType<typeof schemaConverter>["convert"]) {
  const problem = (description: string) => ({
    description,
    content: { "application/problem+json": { schema: PROBLEM_REF } },
  });
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = {
      description: r.description,
      ...(op.etag ? { headers: { ETag: { schema: { type: "string" }, description: "The version" } } } : {}),
      ...(r.schema ? { content: { "application/json": { schema: convert(r.schema, "output") } } } : {}),
    };
  }
  Object.assign(responses, {
    401: problem("No, an unknown, expired or revoked token"),
    403: problem("The token's scope or the caller's roles do not allow this"),
    429: problem("Rate limit reached; see Retry-After"),
  });
  if (op.path.includes("{")) responses[404] = problem("Not found, or not yours to see");
  if (op.body || op.query) responses[422] = problem("Invalid input, with field errors");
  if (op.method === "post") responses[409] = problem("The state does not allow this (or another change won)");
  if (op.ifMatch) responses[412] = problem("If-Match does not name the current ETag");
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    security: [{ bearerToken: [] }],
    "x-atrium-scope": op.scope,
    "x-atrium-permissions": op.permissions,
    parameters: parameters(op, convert),
    ...(op.body
      ? { requestBody: { required: true, content: { "application/json": { schema: convert(op.body, "input") } } } }
      : {}),
    responses,
  };
}

export function openApiDocument(serverUrl = "/api/v1") {
  const { convert, components } = schemaConverter();
  convert(problemSchema, "output");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op, convert);
  paths["/openapi.json"] = {
    get: {
      operationId: "getOpenApiDocument",
      summary: "This document (public)",
      tags: ["Meta"],
      security: [],
      responses: { 200: { description: "The OpenAPI 3.1 document", content: { "application/json": {} } } },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Atrium API",
      version: "1.0.0",
      description:
        "Self-service Azure ML workspaces: requests, approvals, provisioning runs, workspaces, history and the audit trail. Authenticate with a personal access token (Tokens page) as a bearer token; every call is authorised like the portal's own pages. Errors are RFC 9457 problem details.",
    },
    servers: [{ url: serverUrl }],
    tags: [...new Set([...OPERATIONS.map((o) => o.tag), "Meta"])].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerToken: {
          type: "http",
          scheme: "bearer",
          description: "A personal access token (atr_…) with the scopes the operation needs",
        },
      },
    },
  };
}
