import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forbidden, safeRedirectPath } from "./guards.server";

describe("safeRedirectPath", () => {
  it.each(["/", "/a", "/orders/123?tab=open#top", "/leader", "/search?q=%2F%2Fevil.com", "/a//b"])("keeps the local path %s", (path) => {
    expect(safeRedirectPath(path)).toBe(path);
  });

  it.each([
    ["protocol-relative", "//evil.com"],
    ["protocol-relative with path", "//evil.com/login"],
    ["backslash trick", "/\\evil.com"],
    ["absolute https", "https://x"],
    ["absolute http", "http://evil.com/"],
    ["javascript", "javascript:alert(1)"],
    ["relative", "orders"],
    ["empty", ""],
  ])("falls back for %s (%s)", (_name, path) => {
    expect(safeRedirectPath(path)).toBe("/");
    expect(safeRedirectPath(path, "/leader")).toBe("/leader");
  });

  it("falls back for null and undefined", () => {
    expect(safeRedirectPath(null)).toBe("/");
    expect(safeRedirectPath(undefined, "/admin")).toBe("/admin");
  });

  // Printable ASCII only: ASCII tab/newline inside the path are stripped by URL parsers, which is a
  // separate gap ("/\t/evil.com") left out of this suite and reported.
  it("never yields a URL that leaves the site for printable input (property)", () => {
    const base = "https://shop.example.cn";
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.webPath(),
          fc.string().map((s) => `/${s}`),
          fc.string().map((s) => `//${s}`),
        ),
        (input) => {
          const result = safeRedirectPath(input, "/fallback");
          expect(result.startsWith("/")).toBe(true);
          // Browsers treat "\" like "/" in special URLs; WHATWG URL does too.
          expect(new URL(result, base).origin).toBe(base);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("forbidden", () => {
  it("is a plain 403", async () => {
    const res = forbidden();
    expect(res.status).toBe(403);
    expect(await res.text()).toBe("Forbidden");
  });
});

describe("safeRedirectPath refuses paths that URL parsers turn into another host", () => {
  for (const evil of ["/\t/evil.com", "/\t\\evil.com", "/\n/evil.com", "/\\evil.com", "/%0a", "//evil.com", "/\r\n/evil.com"]) {
    it(JSON.stringify(evil), () => {
      const out = safeRedirectPath(evil, "/fallback");
      expect(new URL(out, "https://shop.example").origin).toBe("https://shop.example");
    });
  }
  it("keeps the query and fragment of a same-site path", () => {
    expect(safeRedirectPath("/admin/users?q=1#top")).toBe("/admin/users?q=1#top");
  });
});
