import { createCipheriv, createHmac, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aesGcmDecrypt,
  base64Decode,
  base64Encode,
  checkTimestamp,
  constantTimeEqual,
  hmacSha256Base64,
  hmacSha256Verify,
  importHmacKey,
  randomNonce,
  utf8,
} from "./crypto";

describe("base64", () => {
  it("round-trips any bytes and matches Node's encoding", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = base64Encode(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString("base64"));
        expect(Array.from(base64Decode(encoded)!)).toEqual(Array.from(bytes));
      }),
    );
  });

  it("encodes large inputs", () => {
    const big = randomBytes(200_000);
    expect(base64Encode(big)).toBe(big.toString("base64"));
  });

  it.each(["abc", "ab=c", "a b=", "YWJj\n", "YW-j", "YQ", "YQ=", "=YWJ"])("refuses %j", (text) => {
    expect(base64Decode(text)).toBeNull();
  });
});

describe("constantTimeEqual", () => {
  it("compares contents and lengths", () => {
    expect(constantTimeEqual(utf8("abc"), utf8("abc"))).toBe(true);
    expect(constantTimeEqual(utf8("abc"), utf8("abd"))).toBe(false);
    expect(constantTimeEqual(utf8("abc"), utf8("abcd"))).toBe(false);
    expect(constantTimeEqual(utf8(""), utf8(""))).toBe(true);
  });
});

describe("HMAC-SHA256", () => {
  it("matches node:crypto and verifies only the right tag", async () => {
    const key = await importHmacKey("s3cret");
    const tag = await hmacSha256Base64(key, "hello\n");
    expect(tag).toBe(createHmac("sha256", "s3cret").update("hello\n").digest("base64"));
    expect(await hmacSha256Verify(key, "hello\n", tag)).toBe(true);
    expect(await hmacSha256Verify(key, "hello!", tag)).toBe(false);
    expect(await hmacSha256Verify(key, "hello\n", "not base64!")).toBe(false);
    expect(await hmacSha256Verify(key, "hello\n", tag.slice(0, 20) + "==")).toBe(false);
  });
});

describe("aesGcmDecrypt", () => {
  const key = randomBytes(32);
  const iv = Buffer.from("0123456789ab");
  function seal(plain: string, aad: string) {
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(aad));
    return new Uint8Array(Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]));
  }
  const u = (b: Uint8Array) => new Uint8Array(b);

  it("opens what node:crypto sealed (tag appended)", async () => {
    const plain = await aesGcmDecrypt(u(key), u(iv), seal("支付成功 ok", "transaction"), utf8("transaction"));
    expect(new TextDecoder().decode(plain!)).toBe("支付成功 ok");
  });

  it("refuses a wrong AAD, a flipped bit, a short key or a short input", async () => {
    const sealed = seal("payload", "ad");
    expect(await aesGcmDecrypt(u(key), u(iv), sealed, utf8("AD"))).toBeNull();
    const flipped = sealed.slice();
    flipped[0]! ^= 1;
    expect(await aesGcmDecrypt(u(key), u(iv), flipped, utf8("ad"))).toBeNull();
    expect(await aesGcmDecrypt(u(key.subarray(0, 16)), u(iv), sealed, utf8("ad"))).toBeNull();
    expect(await aesGcmDecrypt(u(key), u(iv), sealed.slice(0, 10), utf8("ad"))).toBeNull();
  });
});

describe("randomNonce", () => {
  it("is alphanumeric, of the asked length, and not repeated", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = randomNonce(32);
      expect(n).toMatch(/^[0-9A-Za-z]{32}$/);
      seen.add(n);
    }
    expect(seen.size).toBe(200);
    expect(randomNonce(7)).toHaveLength(7);
  });
});

describe("checkTimestamp", () => {
  const now = 1_800_000_000_000;
  it("accepts up to 5 minutes either way and refuses beyond or malformed", () => {
    expect(checkTimestamp(String(now / 1000), now)).toBeNull();
    expect(checkTimestamp(String(now / 1000 - 300), now)).toBeNull();
    expect(checkTimestamp(String(now / 1000 + 300), now)).toBeNull();
    expect(checkTimestamp(String(now / 1000 - 301), now)).toMatch(/window/);
    expect(checkTimestamp(String(now / 1000 + 301), now)).toMatch(/window/);
    expect(checkTimestamp(String(now), now)).toMatch(/window|malformed/);
    expect(checkTimestamp(null, now)).toMatch(/malformed/);
    expect(checkTimestamp("1.8e9", now)).toMatch(/malformed/);
    expect(checkTimestamp(" 1800000000", now)).toMatch(/malformed/);
  });
});
