import { describe, expect, it } from "vitest";
import { prefixSetCookie, unprefixCookieHeader, withPrefixedSetCookies, withUnprefixedCookies } from "./host-cookies.server";

describe("__Host- names for the small cookies over https", () => {
  it("hands the app the short name of a prefixed cookie and drops a plain (planted) one", () => {
    expect(unprefixCookieHeader("__Host-tg_ref=abc; tg_ref=planted; __Host-tg_session=s; other=1")).toBe("tg_ref=abc; __Host-tg_session=s; other=1");
    expect(unprefixCookieHeader("tg_share=planted")).toBe("");
    expect(unprefixCookieHeader("__Host-tg_lng=en;__Host-tg_text=large")).toBe("tg_lng=en; tg_text=large");
  });

  it("leaves a header with none of them alone (the same string)", () => {
    const header = "__Host-tg_session=s; __Host-d1b=x; a=b";
    expect(unprefixCookieHeader(header)).toBe(header);
    expect(unprefixCookieHeader(null)).toBeNull();
  });

  it("prefixes a Set-Cookie of the list with Secure, Path=/ and no Domain, keeping the rest", () => {
    expect(prefixSetCookie("tg_ref=abc; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax; Secure")).toBe(
      "__Host-tg_ref=abc; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax; Secure",
    );
    expect(prefixSetCookie("tg_lng=en; Domain=example.com; Path=/x; SameSite=Lax")).toBe("__Host-tg_lng=en; Path=/; SameSite=Lax; Secure");
    expect(prefixSetCookie("tg_cart=; Max-Age=0; Path=/")).toBe("__Host-tg_cart=; Path=/; Max-Age=0; Secure");
  });

  it("does not touch other cookies", () => {
    for (const c of ["__Host-tg_session=x; Path=/; Secure", "__Host-d1b=b; Path=/; Secure", "tg_refx=1; Path=/", "garbage"]) expect(prefixSetCookie(c)).toBe(c);
  });

  it("rewrites requests and responses only when there is something to rewrite", async () => {
    const plain = new Request("https://shop.example/", { headers: { Cookie: "a=b" } });
    expect(withUnprefixedCookies(plain)).toBe(plain);
    const posted = new Request("https://shop.example/cart", { method: "POST", body: "x=1", headers: { Cookie: "__Host-tg_cart=c" } });
    const rewritten = withUnprefixedCookies(posted);
    expect(rewritten.headers.get("Cookie")).toBe("tg_cart=c");
    expect(await rewritten.text()).toBe("x=1");
    expect(withUnprefixedCookies(new Request("https://shop.example/", { headers: { Cookie: "tg_cart=planted" } })).headers.has("Cookie")).toBe(false);

    const untouched = new Response("ok", { headers: { "Set-Cookie": "__Host-tg_session=s; Path=/; Secure" } });
    expect(withPrefixedSetCookies(untouched)).toBe(untouched);
    const headers = new Headers();
    headers.append("Set-Cookie", "tg_vid=v; Path=/; HttpOnly; SameSite=Lax; Secure");
    headers.append("Set-Cookie", "__Host-tg_session=s; Path=/; HttpOnly; Secure");
    const out = withPrefixedSetCookies(new Response("ok", { status: 302, headers }));
    expect(out.status).toBe(302);
    expect(out.headers.getSetCookie()).toEqual(["__Host-tg_vid=v; Path=/; HttpOnly; SameSite=Lax; Secure", "__Host-tg_session=s; Path=/; HttpOnly; Secure"]);
    expect(await out.text()).toBe("ok");
  });
});
