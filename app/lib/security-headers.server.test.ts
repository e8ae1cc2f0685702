import { describe, expect, it } from "vitest";
import { applySecurityHeaders, contentSecurityPolicy } from "./security-headers.server";

/** CSP text → directive name → sources. */
function parseCsp(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name, sources);
  }
  return out;
}

describe("contentSecurityPolicy", () => {
  const csp = parseCsp(contentSecurityPolicy("abc123=="));

  it("allows scripts only from self and with the request's nonce", () => {
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-abc123=='"]);
    expect(csp.get("script-src")).not.toContain("'unsafe-inline'");
    expect(csp.get("script-src")).not.toContain("'unsafe-eval'");
  });

  it("forbids framing, plugins and foreign base/form targets", () => {
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'self'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("default-src")).toEqual(["'self'"]);
  });

  it("contains each directive once and a different nonce per call", () => {
    const text = contentSecurityPolicy("n1");
    const names = text.split(";").map((p) => p.trim().split(/\s+/)[0]);
    expect(new Set(names).size).toBe(names.length);
    expect(contentSecurityPolicy("n2")).toContain("'nonce-n2'");
    expect(contentSecurityPolicy("n2")).not.toContain("n1");
  });
});

describe("applySecurityHeaders", () => {
  it("sets the CSP with the nonce and the other headers", () => {
    const res = applySecurityHeaders(new Response("ok"), { nonce: "N0nce", secure: true });
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("'nonce-N0nce'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    expect(res.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("Cross-Origin-Opener-Policy")).toBe("same-origin");
    expect(res.headers.get("Permissions-Policy")).toContain("microphone=()");
  });

  it("sends HSTS only on secure requests", () => {
    const secure = applySecurityHeaders(new Response("ok"), { nonce: "n", secure: true });
    expect(secure.headers.get("Strict-Transport-Security")).toMatch(/^max-age=(\d+); includeSubDomains$/);
    expect(Number(/max-age=(\d+)/.exec(secure.headers.get("Strict-Transport-Security")!)![1])).toBeGreaterThanOrEqual(31536000);
    const plain = applySecurityHeaders(new Response("ok"), { nonce: "n", secure: false });
    expect(plain.headers.has("Strict-Transport-Security")).toBe(false);
    expect(plain.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("keeps a CSP the response already set", () => {
    const res = applySecurityHeaders(new Response("ok", { headers: { "Content-Security-Policy": "default-src 'none'" } }), {
      nonce: "n",
      secure: false,
    });
    expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'");
  });

  it("keeps status, body and existing headers of a mutable response (same object)", async () => {
    const original = new Response("hello", { status: 201, headers: { "Content-Type": "text/plain", "Set-Cookie": "a=1" } });
    const res = applySecurityHeaders(original, { nonce: "n", secure: true });
    expect(res).toBe(original);
    expect(res.status).toBe(201);
    expect(res.headers.get("Content-Type")).toBe("text/plain");
    expect(res.headers.get("Set-Cookie")).toBe("a=1");
    expect(await res.text()).toBe("hello");
  });

  it("works on a Response.redirect() whose headers are immutable", () => {
    const redirect = Response.redirect("https://shop.example.cn/login", 302);
    expect(() => redirect.headers.set("X-Test", "1")).toThrow();
    const res = applySecurityHeaders(redirect, { nonce: "n", secure: true });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("https://shop.example.cn/login");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toContain("'nonce-n'");
    expect(res.headers.get("Strict-Transport-Security")).not.toBeNull();
  });

  it("copies an immutable response without HSTS when not secure", () => {
    const res = applySecurityHeaders(Response.redirect("http://localhost:8787/", 303), { nonce: "z", secure: false });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("http://localhost:8787/");
    expect(res.headers.has("Strict-Transport-Security")).toBe(false);
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  });
});
