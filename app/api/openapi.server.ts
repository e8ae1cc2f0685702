import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { ApiErrorBody } from "./errors";
import type { Endpoint } from "./router.server";

function schemaOf(schema: v.GenericSchema): Record<string, unknown> {
  // Transform actions (trim) do not change the wire type; document the input side.
  const { $schema: _ignored, ...json } = toJsonSchema(schema, { target: "draft-2020-12", errorMode: "ignore" }) as Record<string, unknown>;
  return json;
}

const STATUS_TEXT: Record<number, string> = { 500: "Unexpected server error" };

/** OpenAPI 3.1 document generated from the endpoint registry and its valibot schemas. */
export function buildOpenApi(endpoints: readonly Endpoint[], serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) {
    const params: Array<Record<string, unknown>> = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    if (e.query) {
      const q = schemaOf(e.query) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        params.push({ name, in: "query", required: (q.required ?? []).includes(name), schema, ...(schema.description ? { description: schema.description } : {}) });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries({ ...e.responses, 500: { description: STATUS_TEXT[500], schema: ApiErrorBody } })) {
      responses[status] = {
        description: doc.description,
        ...(doc.schema ? { content: { "application/json": { schema: schemaOf(doc.schema) } } } : {}),
      };
    }
    if (e.body && !responses["415"]) {
      responses["415"] = { description: "Body is not JSON", content: { "application/json": { schema: schemaOf(ApiErrorBody) } } };
    }
    (paths[e.path] ??= {})[e.method.toLowerCase()] = {
      operationId: e.operationId,
      summary: e.summary,
      tags: e.tags,
      ...(params.length ? { parameters: params } : {}),
      ...(e.auth === "user" ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      ...(e.role ? { "x-required-role": e.role } : {}),
      ...(e.providerCallback ? { "x-provider-callback": true } : {}),
      ...(e.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(e.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Neighbourly community group-buying API",
      version: "1.0.0",
      description:
        "JSON REST API for mobile and mini-program clients. Money is integer fen; times are UTC epoch milliseconds. " +
        "Errors are `{ error: { code, message, fields? } }`. POSTs that create something honour `Idempotency-Key`.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "Token from POST /auth/sign-in" } },
    },
    paths,
  };
}
