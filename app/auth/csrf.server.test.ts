import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isForbiddenCrossSite } from "./csrf.server";

const SITE = "https://shop.example.cn";
const FOREIGN = "https://evil.example.com";

function check(path: string, init: { method?: string; origin?: string; cookie?: string; authorization?: string; site?: string } = {}) {
  const url = new URL(path, init.site ?? SITE);
  const headers = new Headers();
  if (init.origin !== undefined) headers.set("Origin", init.origin);
  if (init.cookie !== undefined) headers.set("Cookie", init.cookie);
  if (init.authorization !== undefined) headers.set("Authorization", init.authorization);
  const request = new Request(url, { method: init.method ?? "POST", headers });
  return isForbiddenCrossSite(request, url);
}

describe("isForbiddenCrossSite: safe methods", () => {
  it.each(["GET", "HEAD", "OPTIONS"])("never refuses %s, whatever the origin or cookies", (method) => {
    for (const path of ["/", "/login", "/api/v1/me"]) {
      expect(check(path, { method })).toBe(false);
      expect(check(path, { method, origin: FOREIGN, cookie: "__Host-tg_session=abc" })).toBe(false);
    }
  });
});

describe("isForbiddenCrossSite: pages and forms", () => {
  it.each(["POST", "PUT", "PATCH", "DELETE"])("refuses %s without an Origin header", (method) => {
    expect(check("/login", { method })).toBe(true);
  });

  it("refuses a foreign Origin", () => {
    expect(check("/login", { origin: FOREIGN })).toBe(true);
    expect(check("/me/profile", { origin: FOREIGN, cookie: "__Host-tg_session=abc" })).toBe(true);
  });

  it("refuses look-alike origins", () => {
    for (const origin of [
      "null",
      "http://shop.example.cn", // scheme differs
      "https://shop.example.cn:8443", // port differs
      "https://shop.example.cn.evil.com",
      "https://evil-shop.example.cn",
      `${SITE}/`, // not an origin serialisation
      "",
    ]) {
      expect(check("/login", { origin }), origin).toBe(true);
    }
  });

  it("allows the same origin", () => {
    expect(check("/login", { origin: SITE })).toBe(false);
    expect(check("/me/profile", { origin: SITE, cookie: "__Host-tg_session=abc" })).toBe(false);
  });

  it("allows the same origin on local plain http with a port", () => {
    expect(check("/login", { site: "http://localhost:8787", origin: "http://localhost:8787" })).toBe(false);
    expect(check("/login", { site: "http://localhost:8787", origin: "http://localhost:3000" })).toBe(true);
  });

  it("does not let a bearer token excuse a page POST", () => {
    expect(check("/login", { authorization: "Bearer abc" })).toBe(true);
  });

  it("refuses a path that only looks like the API", () => {
    expect(check("/apiary/buy", { origin: FOREIGN })).toBe(true);
    expect(check("/api", { origin: FOREIGN })).toBe(true);
  });
});

describe("isForbiddenCrossSite: /api/v1", () => {
  it("allows a bearer-token call without Origin", () => {
    expect(check("/api/v1/auth/sign-out", { authorization: "Bearer abc.def" })).toBe(false);
    expect(check("/api/v1/auth/sign-out", { authorization: "bearer abc" })).toBe(false);
  });

  it("allows a bearer-token call even with a foreign Origin", () => {
    expect(check("/api/v1/auth/sign-out", { authorization: "Bearer abc", origin: FOREIGN })).toBe(false);
  });

  it("does not treat other authorization schemes as bearer", () => {
    expect(check("/api/v1/auth/sign-out", { authorization: "Basic dXNlcjpwYXNz", cookie: "tg_session=abc" })).toBe(true);
    expect(check("/api/v1/auth/sign-out", { authorization: "Bearerabc", cookie: "tg_session=abc" })).toBe(true);
  });

  it.each(["tg_session=abc", "__Host-tg_session=abc", "tg_lng=en; tg_session=abc", "a=1; __Host-tg_session=abc; b=2"])(
    "refuses a call carrying the session cookie (%s) without Origin",
    (cookie) => {
      expect(check("/api/v1/auth/code", { cookie })).toBe(true);
    },
  );

  it("refuses a call carrying the session cookie from a foreign Origin", () => {
    expect(check("/api/v1/auth/code", { cookie: "__Host-tg_session=abc", origin: FOREIGN })).toBe(true);
    expect(check("/api/v1/auth/code", { cookie: "tg_session=abc", origin: "null" })).toBe(true);
  });

  it("allows a call carrying the session cookie from the same origin", () => {
    expect(check("/api/v1/auth/code", { cookie: "__Host-tg_session=abc", origin: SITE })).toBe(false);
  });

  it("allows a cookie-less, token-less call (nothing ambient to ride on)", () => {
    expect(check("/api/v1/auth/code")).toBe(false);
    expect(check("/api/v1/auth/code", { origin: FOREIGN })).toBe(false);
    expect(check("/api/v1/auth/code", { cookie: "tg_lng=en; tg_text=large" })).toBe(false);
  });

  it.each(["PUT", "PATCH", "DELETE"])("judges %s like POST", (method) => {
    expect(check("/api/v1/me", { method, cookie: "tg_session=abc" })).toBe(true);
    expect(check("/api/v1/me", { method })).toBe(false);
  });
});

describe("isForbiddenCrossSite: self-verifying paths", () => {
  it("allows payment notifications from anywhere, even with cookies", () => {
    expect(check("/api/v1/payments/notify/x")).toBe(false);
    expect(check("/api/v1/payments/notify/wechat", { origin: FOREIGN, cookie: "__Host-tg_session=abc" })).toBe(false);
  });

  it("does not extend to neighbouring paths", () => {
    expect(check("/api/v1/payments/notify", { cookie: "tg_session=abc" })).toBe(true);
    expect(check("/api/v1/payments/notifyx/y", { cookie: "tg_session=abc" })).toBe(true);
    expect(check("/payments/notify/x")).toBe(true);
  });

  it("cannot be reached by dot-segments (URL normalises them first)", () => {
    expect(check("/api/v1/payments/notify/../../auth/sign-out", { cookie: "tg_session=abc" })).toBe(true);
    expect(check("/api/v1/payments/notify/%2e%2e/%2e%2e/auth/sign-out", { cookie: "tg_session=abc" })).toBe(true);
  });
});

describe("isForbiddenCrossSite: properties", () => {
  const unsafeMethod = fc.constantFrom("POST", "PUT", "PATCH", "DELETE");
  const pagePath = fc.constantFrom("/", "/login", "/signup", "/me", "/leader/orders", "/admin/users");
  /** No header, our own origin, or any other web origin. */
  const origin = fc.option(
    fc.oneof(
      fc.constant(SITE),
      fc.webUrl().map((u) => new URL(u).origin),
    ),
    { nil: undefined },
  );

  it("a non-GET page request is allowed exactly when Origin equals the site's origin", () => {
    fc.assert(
      fc.property(unsafeMethod, pagePath, origin, (method, path, origin) => {
        expect(check(path, { method, origin })).toBe(origin !== SITE);
      }),
    );
  });

  it("an API request with our session cookie is refused unless same-origin or bearer", () => {
    fc.assert(
      fc.property(unsafeMethod, origin, fc.boolean(), (method, origin, bearer) => {
        const refused = check("/api/v1/me", {
          method,
          origin,
          cookie: "__Host-tg_session=abc",
          authorization: bearer ? "Bearer t" : undefined,
        });
        expect(refused).toBe(!bearer && origin !== SITE);
      }),
    );
  });
});
