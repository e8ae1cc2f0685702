import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

function api(path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string>; ip?: string } = {}) {
  const headers: Record<string, string> = { "CF-Connecting-IP": init.ip ?? "203.0.113.50", ...init.headers };
  if (init.body !== undefined) headers["Content-Type"] ??= "application/json";
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  return worker.fetch(`/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
}

async function signIn(phone: string, ip: string) {
  const sent = await api("/auth/code", { body: { channel: "sms", phone }, ip });
  expect(sent.status).toBe(202);
  const code = await worker.latestCode(phone);
  const res = await api("/auth/sign-in", { body: { method: "code", channel: "sms", phone, code }, ip });
  expect(res.status).toBe(200);
  return (await res.json()) as { token: string; tokenType: string; expiresAt: number; user: { id: string; roles: string[]; phoneMasked: string } };
}

describe("/api/v1 auth", () => {
  it("requests a code, signs in for a bearer token, reads me, signs out", async () => {
    const session = await signIn("13800000022", "203.0.113.51");
    expect(session.tokenType).toBe("Bearer");
    expect(session.user.roles).toEqual(["shopper", "leader"]);
    expect(session.user.phoneMasked).toBe("138****0022");
    expect(session.expiresAt).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    const me = await api("/me", { token: session.token });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { displayName: string } }).user.displayName).toBe("刘团长");
    expect(me.headers.get("cache-control")).toBe("no-store");
    const out = await api("/auth/sign-out", { method: "POST", token: session.token });
    expect(out.status).toBe(204);
    const after = await api("/me", { token: session.token });
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("signs in with email + password", async () => {
    const res = await api("/auth/sign-in", { body: { method: "password", email: "admin@demo.tuangou.test", password: "demo-pass-2026" }, ip: "203.0.113.52" });
    expect(res.status).toBe(200);
    const wrong = await api("/auth/sign-in", { body: { method: "password", email: "admin@demo.tuangou.test", password: "nope-nope-nope" }, ip: "203.0.113.52" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: "credentials_invalid", fields: { password: ["credentials_invalid"] } } });
  });

  it("answers 401 with the JSON error format when no or a bad token is given", async () => {
    for (const token of [undefined, "not-a-real-token", "x".repeat(500)]) {
      const res = await api("/me", { token });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.message.length).toBeGreaterThan(0);
    }
  });

  it("names every bad field, in the request's language, and writes nothing", async () => {
    const before = await worker.d1.prepare("SELECT count(*) AS n FROM sign_in_codes").first<{ n: number }>();
    const cases: Array<[unknown, Record<string, string[]>]> = [
      [{ channel: "sms", phone: "123" }, { phone: ["phone_invalid"] }],
      [{ channel: "sms" }, { phone: ["required"] }],
      [{ channel: "email", email: "not-an-email" }, { email: ["email_invalid"] }],
      [{ channel: "pigeon", phone: "13800000001" }, { channel: ["invalid"] }],
      [{ channel: "sms", phone: 13800000001 }, { phone: ["invalid_type"] }],
      [[], { body: ["invalid_type"] }],
    ];
    for (const [body, fields] of cases) {
      const res = await api("/auth/code", { body, headers: { "Accept-Language": "en" } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = (await res.json()) as { error: { code: string; message: string; fields: Record<string, string[]> } };
      expect(json.error.code).toBe("validation_failed");
      expect(json.error.message).toBe("Some fields are invalid; see error.fields.");
      expect(json.error.fields).toEqual(fields);
    }
    const badCode = await api("/auth/sign-in", { body: { method: "code", channel: "sms", phone: "13800000001", code: "abc" } });
    expect(((await badCode.json()) as { error: { fields: Record<string, string[]> } }).error.fields).toEqual({ code: ["code_format"] });
    const after = await worker.d1.prepare("SELECT count(*) AS n FROM sign_in_codes").first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });

  it("refuses non-JSON, malformed and oversized bodies, unknown paths and methods", async () => {
    expect((await api("/auth/code", { body: "phone=1", headers: { "Content-Type": "application/x-www-form-urlencoded" } })).status).toBe(415);
    expect((await api("/auth/code", { body: "{oops" })).status).toBe(400);
    expect((await api("/auth/code", { body: JSON.stringify({ channel: "sms", phone: "x".repeat(70_000) }) })).status).toBe(413);
    const missing = await api("/nowhere");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
    const wrongMethod = await api("/me", { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET");
  });

  it("rate-limits code requests with 429 and Retry-After", async () => {
    const first = await api("/auth/code", { body: { channel: "sms", phone: "13800000023" }, ip: "203.0.113.60" });
    expect(first.status).toBe(202);
    const second = await api("/auth/code", { body: { channel: "sms", phone: "13800000023" }, ip: "203.0.113.61" });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await second.json()).toMatchObject({ error: { code: "rate_limited", fields: { phone: ["rate_limited"] } } });
  });

  it("refuses a cookie-authenticated API write from another origin, but not a bearer one", async () => {
    const client = worker.client({ ip: "203.0.113.70" });
    await client.post("/login", { intent: "password", email: "leader3@demo.tuangou.test", password: "demo-pass-2026" });
    const viaCookie = await client.request("/api/v1/auth/sign-out", { method: "POST", headers: { Origin: "https://evil.example" } });
    expect(viaCookie.status).toBe(403);
    expect(await viaCookie.json()).toMatchObject({ error: { code: "forbidden_origin" } });
    expect((await client.get("/me")).status).toBe(200);
    const token = (await (await api("/auth/sign-in", { body: { method: "password", email: "leader3@demo.tuangou.test", password: "demo-pass-2026" } })).json()) as { token: string };
    const viaBearer = await api("/auth/sign-out", { method: "POST", token: token.token, headers: { Origin: "https://evil.example" } });
    expect(viaBearer.status).toBe(204);
  });
});

describe("OpenAPI document", () => {
  it("is served as OpenAPI 3.1 generated from the endpoint schemas", async () => {
    const res = await api("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, { schema: unknown }> } }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/auth/code", "/auth/sign-in", "/auth/sign-out", "/me", "/payments/notify/{provider}"]));
    expect(doc.paths["/auth/code"]!.post!.operationId).toBe("requestSignInCode");
    const schema = JSON.stringify(doc.paths["/auth/code"]!.post!.requestBody!.content["application/json"]!.schema);
    expect(schema).toContain('"pattern"');
    expect(schema).toContain('"sms"');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
