import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBase64, fromBase64Url, sha256Hex, timingSafeEqual, toBase64, toBase64Url, toHex } from "./encoding";

const bytes = fc.uint8Array({ maxLength: 300 });

describe("base64", () => {
  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        expect(fromBase64(toBase64(b))).toEqual(b);
      }),
    );
  });

  it("agrees with Node's Buffer base64", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        expect(toBase64(b)).toBe(Buffer.from(b).toString("base64"));
      }),
    );
  });

  it("encodes known vectors (RFC 4648)", () => {
    const enc = (s: string) => toBase64(new TextEncoder().encode(s));
    expect(enc("")).toBe("");
    expect(enc("f")).toBe("Zg==");
    expect(enc("fo")).toBe("Zm8=");
    expect(enc("foo")).toBe("Zm9v");
    expect(enc("foobar")).toBe("Zm9vYmFy");
  });

  it("encodes bytes above 0x7f as single bytes (not UTF-8)", () => {
    expect(toBase64(new Uint8Array([0xff, 0xfe, 0x80]))).toBe("//6A");
    expect(fromBase64("//6A")).toEqual(new Uint8Array([0xff, 0xfe, 0x80]));
  });
});

describe("base64url", () => {
  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        expect(fromBase64Url(toBase64Url(b))).toEqual(b);
      }),
    );
  });

  it("uses the URL-safe alphabet without padding, like Buffer's base64url", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const s = toBase64Url(b);
        expect(s).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(s).toBe(Buffer.from(b).toString("base64url"));
      }),
    );
  });

  it("decodes padded input too", () => {
    expect(fromBase64Url("Zg==")).toEqual(new Uint8Array([0x66]));
    expect(fromBase64Url("_-8")).toEqual(new Uint8Array([0xff, 0xef]));
  });
});

describe("toHex / sha256Hex", () => {
  it("toHex is two lowercase digits per byte", () => {
    expect(toHex(new Uint8Array([0, 1, 0xab, 0xff]))).toBe("0001abff");
    fc.assert(
      fc.property(bytes, (b) => {
        expect(toHex(b)).toBe(Buffer.from(b).toString("hex"));
      }),
    );
  });

  it("sha256Hex hashes the UTF-8 text", async () => {
    expect(await sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(await sha256Hex("团购")).toBe(createHash("sha256").update("团购", "utf8").digest("hex"));
  });
});

describe("timingSafeEqual", () => {
  it("is true for equal strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (s) => {
        expect(timingSafeEqual(s, s.slice())).toBe(true);
      }),
    );
  });

  it("agrees with === on arbitrary pairs", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(a === b);
      }),
    );
  });

  it("is false for a prefix, a suffix or one changed character", () => {
    expect(timingSafeEqual("abcdef", "abcde")).toBe(false);
    expect(timingSafeEqual("abcde", "abcdef")).toBe(false);
    expect(timingSafeEqual("", "a")).toBe(false);
    expect(timingSafeEqual("abcdef", "abcdeF")).toBe(false);
    expect(timingSafeEqual("", "")).toBe(true);
  });

  it("is false when a string equals the other plus trailing NUL bytes", () => {
    expect(timingSafeEqual("abc", "abc\u0000")).toBe(false);
  });

  it("compares unicode by its UTF-8 bytes", () => {
    expect(timingSafeEqual("团购", "团购")).toBe(true);
    expect(timingSafeEqual("团购", "团贩")).toBe(false);
  });
});
