import * as v from "valibot";
import { describe, expect, it, vi } from "vitest";
import type { AppContext } from "~/context.server";
import type { SessionInfo } from "~/auth/session.server";
import en from "~/i18n/locales/en.api";
import zhCN from "~/i18n/locales/zh-CN.api";
import { Phone } from "~/modules/identity/schemas";
import { endpoints } from "./endpoints.server";
import { ApiError } from "./errors";
import { defineEndpoint, dispatch, type Endpoint, type HandlerArgs } from "./router.server";

const BASE = "https://shop.example.cn/api/v1/";

/** A context whose memoised session lookup is already settled, so no database is touched. */
function fakeCtx(session: SessionInfo | null = null): AppContext {
  return { request: { session: Promise.resolve(session) } } as unknown as AppContext;
}

function post(subpath: string, body: BodyInit | null, headers: Record<string, string> = { "Content-Type": "application/json" }) {
  return new Request(BASE + subpath, { method: "POST", body, headers });
}

async function errorOf(response: Response) {
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string; fields?: Record<string, string[]> } };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

const SESSION: SessionInfo = {
  user: { id: "usr_1", displayName: "小王", email: null, locale: "zh-CN", roles: ["shopper"] },
  sessionId: "tok",
  expiresAt: new Date(Date.now() + 86_400_000),
  kind: "bearer",
};

/** A small registry whose handlers record their calls. */
function localEndpoints() {
  const calls: HandlerArgs<unknown>[] = [];
  const record = async (args: HandlerArgs<unknown>) => {
    calls.push(args);
    return Response.json({ ok: true, params: args.params, body: args.body ?? null });
  };
  const list: Endpoint[] = [
    defineEndpoint({
      method: "POST",
      path: "/things",
      operationId: "createThing",
      summary: "",
      tags: [],
      auth: "none",
      body: v.object({ phone: Phone, qty: v.pipe(v.number(), v.integer()) }),
      responses: {},
      handler: record as never,
    }),
    defineEndpoint({ method: "GET", path: "/things/{id}", operationId: "getThing", summary: "", tags: [], auth: "none", responses: {}, handler: record as never }),
    defineEndpoint({ method: "DELETE", path: "/things/{id}", operationId: "deleteThing", summary: "", tags: [], auth: "user", responses: {}, handler: record as never }),
    defineEndpoint({
      method: "GET",
      path: "/cached",
      operationId: "cached",
      summary: "",
      tags: [],
      auth: "none",
      responses: {},
      handler: async () => new Response("x", { headers: { "Cache-Control": "public, max-age=60" } }),
    }),
    defineEndpoint({
      method: "GET",
      path: "/teapot",
      operationId: "teapot",
      summary: "",
      tags: [],
      auth: "none",
      responses: {},
      handler: async () => {
        throw new ApiError(418, "rate_limited", { thing: ["rate_limited"] }, { "Retry-After": "7" });
      },
    }),
    defineEndpoint({
      method: "GET",
      path: "/boom",
      operationId: "boom",
      summary: "",
      tags: [],
      auth: "none",
      responses: {},
      handler: async () => {
        throw new Error("database exploded with secret details");
      },
    }),
  ];
  return { list, calls };
}

describe("dispatch with the real registry (no handler reached)", () => {
  it("answers an unknown path with 404 not_found", async () => {
    const res = await dispatch(endpoints, fakeCtx(), new Request(BASE + "nope"), "nope");
    expect(res.status).toBe(404);
    const error = await errorOf(res);
    expect(error.code).toBe("not_found");
    expect(error.message).toBe(zhCN.api.errors.not_found);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("answers the API root with 404", async () => {
    const res = await dispatch(endpoints, fakeCtx(), new Request(BASE), "");
    expect(res.status).toBe(404);
  });

  it("answers a wrong method with 405 and an Allow header", async () => {
    const res = await dispatch(endpoints, fakeCtx(), new Request(BASE + "auth/code"), "auth/code");
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST");
    expect((await errorOf(res)).code).toBe("method_not_allowed");
    const me = await dispatch(endpoints, fakeCtx(), new Request(BASE + "me", { method: "DELETE" }), "me");
    expect(me.status).toBe(405);
    expect(me.headers.get("Allow")).toBe("GET");
  });

  it("answers a non-JSON content type with 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"]) {
      const res = await dispatch(endpoints, fakeCtx(), post("auth/code", "channel=sms", { "Content-Type": type }), "auth/code");
      expect(res.status, type).toBe(415);
      expect((await errorOf(res)).code).toBe("unsupported_media_type");
    }
    const missing = await dispatch(endpoints, fakeCtx(), post("auth/code", "{}", {}), "auth/code");
    expect(missing.status).toBe(415);
  });

  it("answers invalid JSON with 400 invalid_json", async () => {
    for (const text of ["{", "", "{'channel':'sms'}", "undefined"]) {
      const res = await dispatch(endpoints, fakeCtx(), post("auth/code", text), "auth/code");
      expect(res.status, text).toBe(400);
      expect((await errorOf(res)).code).toBe("invalid_json");
    }
  });

  it("answers an oversized body with 413 (declared by Content-Length)", async () => {
    const res = await dispatch(
      endpoints,
      fakeCtx(),
      post("auth/code", "{}", { "Content-Type": "application/json", "Content-Length": String(64 * 1024 + 1) }),
      "auth/code",
    );
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
  });

  it("answers an oversized body with 413 (no Content-Length)", async () => {
    const big = JSON.stringify({ channel: "sms", phone: "1".repeat(70_000) });
    const res = await dispatch(endpoints, fakeCtx(), post("auth/code", big), "auth/code");
    expect(res.status).toBe(413);
  });

  it("counts bytes, not characters: a multibyte body over 64 KiB is 413", async () => {
    const big = JSON.stringify({ channel: "sms", phone: "汉".repeat(30_000) });
    expect(big.length).toBeLessThan(64 * 1024);
    expect(new TextEncoder().encode(big).byteLength).toBeGreaterThan(64 * 1024);
    const res = await dispatch(endpoints, fakeCtx(), post("auth/code", big), "auth/code");
    expect(res.status).toBe(413);
  });

  it("answers a body that is not UTF-8 with 400 invalid_json", async () => {
    const res = await dispatch(endpoints, fakeCtx(), post("auth/code", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), "auth/code");
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("invalid_json");
  });

  it("answers an invalid body with 400 validation_failed and per-field codes", async () => {
    const res = await dispatch(endpoints, fakeCtx(), post("auth/code", JSON.stringify({ channel: "sms", phone: "12345" })), "auth/code");
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("validation_failed");
    expect(error.fields).toEqual({ phone: ["phone_invalid"] });
  });

  it("answers a GET /me without a session with 401 and WWW-Authenticate", async () => {
    const res = await dispatch(endpoints, fakeCtx(), new Request(BASE + "me"), "me");
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="api"');
    expect((await errorOf(res)).code).toBe("unauthorized");
  });

  it("translates messages for the request's language", async () => {
    const byHeader = await dispatch(endpoints, fakeCtx(), new Request(BASE + "nope", { headers: { "Accept-Language": "en-US,en;q=0.9" } }), "nope");
    expect((await errorOf(byHeader)).message).toBe(en.api.errors.not_found);
    expect(byHeader.headers.get("Content-Language")).toBe("en");
    const byCookie = await dispatch(
      endpoints,
      fakeCtx(),
      new Request(BASE + "nope", { headers: { Cookie: "tg_lng=en", "Accept-Language": "zh-CN" } }),
      "nope",
    );
    expect((await errorOf(byCookie)).message).toBe(en.api.errors.not_found);
    const fallback = await dispatch(endpoints, fakeCtx(), new Request(BASE + "nope", { headers: { "Accept-Language": "fr" } }), "nope");
    expect(fallback.headers.get("Content-Language")).toBe("zh-CN");
  });
});

describe("dispatch with a local registry", () => {
  it("checks the method before reading the body", async () => {
    const { list, calls } = localEndpoints();
    const res = await dispatch(list, fakeCtx(), new Request(BASE + "things", { method: "PUT", body: "not json" }), "things");
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST");
    expect(calls).toHaveLength(0);
  });

  it("lists every method of a path in Allow", async () => {
    const { list } = localEndpoints();
    const res = await dispatch(list, fakeCtx(), new Request(BASE + "things/1", { method: "PATCH" }), "things/1");
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")?.split(", ").sort()).toEqual(["DELETE", "GET"]);
  });

  it("passes the validated, transformed body and path parameters to the handler", async () => {
    const { list, calls } = localEndpoints();
    const res = await dispatch(list, fakeCtx(), post("things", JSON.stringify({ phone: " 13800138000 ", qty: 2, extra: 1 })), "things");
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toEqual({ phone: "13800138000", qty: 2 });
    expect(calls[0]!.locale).toBe("zh-CN");
    expect(calls[0]!.session).toBeNull();

    const got = await dispatch(list, fakeCtx(), new Request(BASE + "things/thg_42"), "things/thg_42");
    expect(((await got.json()) as { params: unknown }).params).toEqual({ id: "thg_42" });
  });

  it("accepts JSON media types with parameters or a +json suffix", async () => {
    const { list, calls } = localEndpoints();
    for (const type of ["application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"]) {
      const res = await dispatch(list, fakeCtx(), post("things", JSON.stringify({ phone: "13800138000", qty: 1 }), { "Content-Type": type }), "things");
      expect(res.status, type).toBe(200);
    }
    expect(calls).toHaveLength(3);
  });

  it("ignores a trailing slash and treats HEAD as GET", async () => {
    const { list } = localEndpoints();
    expect((await dispatch(list, fakeCtx(), new Request(BASE + "things/1/"), "things/1/")).status).toBe(200);
    expect((await dispatch(list, fakeCtx(), new Request(BASE + "things/1", { method: "HEAD" }), "things/1")).status).toBe(200);
  });

  it("does not let a path parameter span segments", async () => {
    const { list } = localEndpoints();
    expect((await dispatch(list, fakeCtx(), new Request(BASE + "things/a/b"), "things/a/b")).status).toBe(404);
    expect((await dispatch(list, fakeCtx(), new Request(BASE + "things/"), "things/")).status).toBe(405);
  });

  it("reports every invalid field of the body", async () => {
    const { list, calls } = localEndpoints();
    const res = await dispatch(list, fakeCtx(), post("things", JSON.stringify({ phone: "1380013800", qty: 1.5 })), "things");
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.fields).toEqual({ phone: ["phone_invalid"], qty: ["invalid"] });
    expect(calls).toHaveLength(0);
  });

  it("reports a non-object body under `body` as invalid_type", async () => {
    const { list, calls } = localEndpoints();
    for (const text of ["[1,2]", "null", "42", '"text"']) {
      const res = await dispatch(list, fakeCtx(), post("things", text), "things");
      expect(res.status, text).toBe(400);
      expect((await errorOf(res)).fields, text).toEqual({ body: ["invalid_type"] });
    }
    expect(calls).toHaveLength(0);
  });

  it("reports missing keys as required and wrong JSON types as invalid_type", async () => {
    const { list } = localEndpoints();
    const missing = await dispatch(list, fakeCtx(), post("things", "{}"), "things");
    expect((await errorOf(missing)).fields).toEqual({ phone: ["required"], qty: ["required"] });
    const wrongType = await dispatch(list, fakeCtx(), post("things", JSON.stringify({ phone: 13800138000, qty: "2" })), "things");
    expect((await errorOf(wrongType)).fields).toEqual({ phone: ["invalid_type"], qty: ["invalid_type"] });
  });

  it("requires a session for auth: user endpoints and passes it through", async () => {
    const { list, calls } = localEndpoints();
    const anonymous = await dispatch(list, fakeCtx(), new Request(BASE + "things/1", { method: "DELETE" }), "things/1");
    expect(anonymous.status).toBe(401);
    const signedIn = await dispatch(list, fakeCtx(SESSION), new Request(BASE + "things/1", { method: "DELETE" }), "things/1");
    expect(signedIn.status).toBe(200);
    expect(calls.at(-1)!.session).toBe(SESSION);
  });

  it("adds Cache-Control: no-store unless the handler set one", async () => {
    const { list } = localEndpoints();
    expect((await dispatch(list, fakeCtx(), new Request(BASE + "things/1"), "things/1")).headers.get("Cache-Control")).toBe("no-store");
    expect((await dispatch(list, fakeCtx(), new Request(BASE + "cached"), "cached")).headers.get("Cache-Control")).toBe("public, max-age=60");
  });

  it("turns an ApiError from a handler into its status, fields and headers", async () => {
    const { list } = localEndpoints();
    const res = await dispatch(list, fakeCtx(), new Request(BASE + "teapot"), "teapot");
    expect(res.status).toBe(418);
    expect(res.headers.get("Retry-After")).toBe("7");
    const error = await errorOf(res);
    expect(error).toEqual({ code: "rate_limited", message: zhCN.api.errors.rate_limited, fields: { thing: ["rate_limited"] } });
  });

  it("turns an unexpected error into 500 internal without leaking it, and logs it", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { list } = localEndpoints();
    const res = await dispatch(list, fakeCtx(), new Request(BASE + "boom", { headers: { "Accept-Language": "en" } }), "boom");
    expect(res.status).toBe(500);
    const error = await errorOf(res);
    expect(error.code).toBe("internal");
    expect(error.message).toBe(en.api.errors.internal);
    expect(JSON.stringify(error)).not.toContain("secret");
    expect(logged).toHaveBeenCalledOnce();
  });
});
