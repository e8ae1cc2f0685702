import { Validator } from "@seriousme/openapi-schema-validator";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { OneTimeCode, PHONE_PATTERN } from "~/modules/identity/schemas";
import { endpoints } from "./endpoints.server";
import { ApiErrorBody } from "./errors";
import { buildOpenApi } from "./openapi.server";
import { defineEndpoint, type Endpoint } from "./router.server";

/** Loose typing for walking the generated JSON document. */
type Json = Record<string, any>;

const SERVER = "http://localhost/api/v1";
const METHODS = ["get", "put", "post", "delete", "patch"] as const;

async function validate(doc: unknown) {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc) as Record<string, unknown>);
  return { ...result, version: validator.version };
}

function operations(doc: Json): { path: string; method: string; op: Json }[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Json })),
  );
}

function jsonSchema(response: Json): Json | undefined {
  return response.content?.["application/json"]?.schema;
}

/** Every `$schema` anywhere in the tree (nested ones are not allowed in OpenAPI schema objects). */
function findKey(tree: unknown, key: string, path = "$"): string[] {
  if (!tree || typeof tree !== "object") return [];
  return Object.entries(tree).flatMap(([k, value]) => [...(k === key ? [`${path}.${k}`] : []), ...findKey(value, key, `${path}.${k}`)]);
}

const doc = buildOpenApi(endpoints, SERVER) as Json;

describe("buildOpenApi with the real endpoint registry", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(result.version).toBe("3.1");
    expect(doc.openapi).toBe("3.1.0");
  });

  it("documents the server URL it was given", () => {
    expect(doc.servers).toEqual([{ url: SERVER }]);
  });

  it("has one operation per registered endpoint, each with a unique operationId", () => {
    const ops = operations(doc);
    expect(ops).toHaveLength(endpoints.length);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[A-Za-z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of endpoints) {
      expect(doc.paths[e.path]?.[e.method.toLowerCase()]?.operationId, `${e.method} ${e.path}`).toBe(e.operationId);
    }
  });

  it("documents every 4xx and 5xx response with the error body { error: { code, message } }", () => {
    for (const { path, method, op } of operations(doc)) {
      // Provider callbacks answer in the provider's own format (Alipay "fail", WeChat {code:"FAIL"}).
      if (op["x-provider-callback"]) continue;
      const errors = Object.entries(op.responses as Json).filter(([status]) => /^[45]\d\d$/.test(status));
      expect(errors.map(([s]) => s), `${method} ${path}`).toContain("500");
      for (const [status, response] of errors) {
        const where = `${method} ${path} ${status}`;
        const schema = jsonSchema(response);
        expect(schema, where).toBeDefined();
        expect(schema!.required, where).toContain("error");
        const error = schema!.properties.error;
        expect(error.type, where).toBe("object");
        expect(error.properties.code.type, where).toBe("string");
        expect(error.properties.message.type, where).toBe("string");
        expect(error.required, where).toEqual(expect.arrayContaining(["code", "message"]));
        expect(typeof response.description, where).toBe("string");
      }
    }
  });

  it("adds a 415 response to every operation that takes a body", () => {
    for (const { path, method, op } of operations(doc)) {
      expect("415" in op.responses, `${method} ${path}`).toBe(Boolean(op.requestBody));
    }
  });

  it("documents POST /auth/code's body as one of the SMS and email variants", () => {
    const body = doc.paths["/auth/code"].post.requestBody;
    expect(body.required).toBe(true);
    const schema = body.content["application/json"].schema as Json;
    const variants = (schema.oneOf ?? schema.anyOf) as Json[];
    expect(variants).toHaveLength(2);
    expect(variants.map((x) => x.properties.channel.const)).toEqual(["sms", "email"]);
    expect(variants[0]!.required).toEqual(expect.arrayContaining(["channel", "phone"]));
    expect(variants[1]!.required).toEqual(expect.arrayContaining(["channel", "email"]));
    expect(variants[0]!.properties.phone.pattern).toBe(PHONE_PATTERN.source);
    expect(variants[1]!.properties.email.format).toBe("email");
  });

  it("documents POST /auth/sign-in's body as one of the code (SMS/email) and password variants", () => {
    const body = doc.paths["/auth/sign-in"].post.requestBody;
    expect(body.required).toBe(true);
    const schema = body.content["application/json"].schema as Json;
    const variants = (schema.oneOf ?? schema.anyOf) as Json[];
    expect(variants).toHaveLength(3);
    expect(variants.map((x) => [x.properties.method.const, x.properties.channel?.const])).toEqual([
      ["code", "sms"],
      ["code", "email"],
      ["password", undefined],
    ]);
    expect(variants[0]!.required).toEqual(expect.arrayContaining(["method", "channel", "phone", "code"]));
    expect(variants[1]!.required).toEqual(expect.arrayContaining(["method", "channel", "email", "code"]));
    expect(variants[2]!.required).toEqual(expect.arrayContaining(["method", "email", "password"]));
    expect(variants[0]!.properties.code.pattern).toBe("^\\d{6}$");
    expect(variants[2]!.properties.password).toMatchObject({ type: "string", minLength: 8, maxLength: 128 });
  });

  it("marks user endpoints with bearer auth and public ones with none", () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    for (const e of endpoints) {
      const op = doc.paths[e.path][e.method.toLowerCase()];
      expect(op.security, e.operationId).toEqual(e.auth === "user" ? [{ bearerAuth: [] }] : []);
      if (e.auth === "user") expect(op.responses["401"], e.operationId).toBeDefined();
    }
  });

  it("puts no $schema keyword inside the document", () => {
    expect(findKey(doc, "$schema")).toEqual([]);
  });

  it("is plain JSON (survives a JSON round trip unchanged)", () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe("buildOpenApi with a local endpoint list", () => {
  const notImplemented = async () => new Response(null, { status: 501 });
  const local: Endpoint[] = [
    defineEndpoint({
      method: "GET",
      path: "/orders/{orderId}/items/{itemId}",
      operationId: "getOrderItem",
      summary: "One item of an order",
      tags: ["orders"],
      auth: "user",
      responses: { 200: { description: "The item", schema: v.object({ id: v.string(), qty: v.number() }) }, 404: { description: "No such item", schema: ApiErrorBody } },
      handler: notImplemented,
    }),
    defineEndpoint({
      method: "DELETE",
      path: "/orders/{orderId}/items/{itemId}",
      operationId: "deleteOrderItem",
      summary: "Remove an item",
      tags: ["orders"],
      auth: "user",
      responses: { 204: { description: "Removed" } },
      handler: notImplemented,
    }),
    defineEndpoint({
      method: "POST",
      path: "/codes/check",
      operationId: "checkCode",
      summary: "Checks a code",
      tags: ["misc"],
      auth: "none",
      body: v.object({ code: OneTimeCode }),
      responses: { 200: { description: "Checked" }, 415: { description: "Custom 415 text", schema: ApiErrorBody } },
      handler: notImplemented,
    }),
  ];
  const localDoc = buildOpenApi(local, "https://api.example.cn/api/v1") as Json;

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await validate(localDoc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it("groups methods of one path and declares each path parameter", () => {
    const item = localDoc.paths["/orders/{orderId}/items/{itemId}"];
    expect(Object.keys(item).sort()).toEqual(["delete", "get"]);
    for (const op of [item.get, item.delete]) {
      expect(op.parameters).toEqual([
        { name: "orderId", in: "path", required: true, schema: { type: "string" } },
        { name: "itemId", in: "path", required: true, schema: { type: "string" } },
      ]);
    }
    expect(localDoc.paths["/codes/check"].post.parameters).toBeUndefined();
  });

  it("documents responses without a schema without content", () => {
    const deleted = localDoc.paths["/orders/{orderId}/items/{itemId}"].delete.responses["204"];
    expect(deleted).toEqual({ description: "Removed" });
  });

  it("keeps an endpoint's own 415 description", () => {
    expect(localDoc.paths["/codes/check"].post.responses["415"].description).toBe("Custom 415 text");
  });

  it("does not add a requestBody or 415 to body-less operations", () => {
    const get = localDoc.paths["/orders/{orderId}/items/{itemId}"].get;
    expect(get.requestBody).toBeUndefined();
    expect(get.responses["415"]).toBeUndefined();
  });

  it("the validator does reject a broken document (control)", async () => {
    const broken = structuredClone(localDoc);
    delete broken.paths["/codes/check"].post.responses["200"].description;
    expect((await validate(broken)).valid).toBe(false);
    const badParam = structuredClone(localDoc);
    badParam.paths["/orders/{orderId}/items/{itemId}"].get.parameters[0].in = "body";
    expect((await validate(badParam)).valid).toBe(false);
  });
});
