import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decryptField,
  encryptField,
  keyIdOf,
  lookupHash,
  maskAddress,
  maskEmail,
  maskId,
  maskPhone,
  type FieldCryptoConfig,
} from "./field-crypto.server";

/** A base64 32-byte key built from a readable 32-character seed. */
function key32(seed: string): string {
  const text = seed.padEnd(32, "#").slice(0, 32);
  return Buffer.from(text, "utf8").toString("base64");
}

const K0 = key32("key zero: the old data key......");
const K1 = key32("key one: the current data key...");
const LOOKUP = key32("lookup key for blind indexes....");
const OTHER_LOOKUP = key32("a different lookup key..........");

/** Only k0 exists: how values were written before rotation. */
const BEFORE_ROTATION: FieldCryptoConfig = { DATA_KEYS: `k0:${K0}`, DATA_KEY_ID: "k0", LOOKUP_KEY: LOOKUP };
/** k1 is current, k0 kept for reading. */
const CFG: FieldCryptoConfig = { DATA_KEYS: `k1:${K1},k0:${K0}`, DATA_KEY_ID: "k1", LOOKUP_KEY: LOOKUP };
/** k0 has been retired. */
const AFTER_RETIREMENT: FieldCryptoConfig = { DATA_KEYS: `k1:${K1}`, DATA_KEY_ID: "k1", LOOKUP_KEY: LOOKUP };

describe("encryptField / decryptField", () => {
  it("round-trips any unicode string", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 200 }), async (plaintext) => {
        const stored = await encryptField(CFG, "address", plaintext);
        expect(await decryptField(CFG, "address", stored)).toBe(plaintext);
      }),
      { numRuns: 200 },
    );
  });

  it("round-trips the empty string and Chinese text", async () => {
    for (const text of ["", "上海市浦东新区世纪大道100号 3栋 502室", "13812345678", "🙂 emoji \u0000 nul"]) {
      expect(await decryptField(CFG, "address", await encryptField(CFG, "address", text))).toBe(text);
    }
  });

  it("writes v1.<keyId>.<iv>.<ct> with a 96-bit IV and base64url parts", async () => {
    const stored = await encryptField(CFG, "phone", "13812345678");
    const parts = stored.split(".");
    expect(parts).toHaveLength(4);
    expect(parts[0]).toBe("v1");
    expect(parts[1]).toBe("k1");
    for (const part of parts.slice(2)) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(parts[2]!, "base64url")).toHaveLength(12);
    // 11 bytes of plaintext + 16-byte GCM tag.
    expect(Buffer.from(parts[3]!, "base64url")).toHaveLength(11 + 16);
    expect(stored).not.toContain("13812345678");
  });

  it("produces a different ciphertext every time (random IV)", async () => {
    const values = await Promise.all(Array.from({ length: 20 }, () => encryptField(CFG, "phone", "13812345678")));
    expect(new Set(values).size).toBe(values.length);
    expect(new Set(values.map((s) => s.split(".")[2])).size).toBe(values.length);
    for (const stored of values) expect(await decryptField(CFG, "phone", stored)).toBe("13812345678");
  });

  it("binds the field name: a value moved to another column does not decrypt", async () => {
    const stored = await encryptField(CFG, "phone", "13812345678");
    await expect(decryptField(CFG, "contact_phone", stored)).rejects.toThrow();
    await expect(decryptField(CFG, "address", stored)).rejects.toThrow();
  });

  it("rejects a tampered ciphertext, IV or tag", async () => {
    const stored = await encryptField(CFG, "id_no", "110101199003071234");
    const [v, k, iv, ct] = stored.split(".") as [string, string, string, string];
    const flip = (b64url: string, index: number) => {
      const bytes = Buffer.from(b64url, "base64url");
      bytes[index]! ^= 0x01;
      return bytes.toString("base64url");
    };
    const ctLen = Buffer.from(ct, "base64url").length;
    const tampered = [
      [v, k, iv, flip(ct, 0)], // ciphertext body
      [v, k, iv, flip(ct, ctLen - 1)], // tag
      [v, k, flip(iv, 0), ct], // IV
      [v, k, iv, Buffer.from(ct, "base64url").subarray(0, ctLen - 1).toString("base64url")], // truncated
    ];
    for (const parts of tampered) {
      await expect(decryptField(CFG, "id_no", parts.join("."))).rejects.toThrow();
    }
  });

  it("rejects every single-bit flip of the ciphertext (property)", async () => {
    const stored = await encryptField(CFG, "licence_no", "91310000MA1FL0XX1X");
    const [v, k, iv, ct] = stored.split(".") as [string, string, string, string];
    const bytes = Buffer.from(ct, "base64url");
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 7 }), async (index, bit) => {
        const copy = Buffer.from(bytes);
        copy[index]! ^= 1 << bit;
        await expect(decryptField(CFG, "licence_no", `${v}.${k}.${iv}.${copy.toString("base64url")}`)).rejects.toThrow();
      }),
      { numRuns: 50 },
    );
  });

  it("refuses values that are not in the v1 format", async () => {
    for (const bad of ["", "13812345678", "v2.k1.aaaa.bbbb", "v1.k1.aaaa", "v1..aaaa.bbbb", "v1.k1..bbbb"]) {
      await expect(decryptField(CFG, "phone", bad)).rejects.toThrow(/Unrecognised encrypted value/);
    }
  });

  it("names the missing key when a value was written with an unknown key id", async () => {
    const stored = await encryptField(CFG, "phone", "13812345678");
    const foreign = stored.replace(/^v1\.k1\./, "v1.k9.");
    await expect(decryptField(CFG, "phone", foreign)).rejects.toThrow("Encryption key k9 is not configured");
  });

  it("fails to load when DATA_KEY_ID names no configured key", async () => {
    const broken: FieldCryptoConfig = { DATA_KEYS: `k0:${K0}`, DATA_KEY_ID: "k7", LOOKUP_KEY: LOOKUP };
    await expect(encryptField(broken, "phone", "x")).rejects.toThrow(/DATA_KEY_ID/);
  });
});

describe("key rotation", () => {
  it("reads values written with the old key after the current key changes", async () => {
    const old = await encryptField(BEFORE_ROTATION, "address", "北京市朝阳区建国路88号");
    expect(keyIdOf(old)).toBe("k0");
    expect(await decryptField(CFG, "address", old)).toBe("北京市朝阳区建国路88号");
  });

  it("writes new values with DATA_KEY_ID", async () => {
    const fresh = await encryptField(CFG, "address", "新地址");
    expect(keyIdOf(fresh)).toBe("k1");
    expect(await decryptField(AFTER_RETIREMENT, "address", fresh)).toBe("新地址");
  });

  it("cannot read old values once their key is removed", async () => {
    const old = await encryptField(BEFORE_ROTATION, "address", "旧地址");
    await expect(decryptField(AFTER_RETIREMENT, "address", old)).rejects.toThrow("Encryption key k0 is not configured");
  });

  it("re-encrypting an old value moves it to the current key", async () => {
    const old = await encryptField(BEFORE_ROTATION, "phone", "13912345678");
    const rewritten = await encryptField(CFG, "phone", await decryptField(CFG, "phone", old));
    expect(keyIdOf(rewritten)).toBe("k1");
    expect(await decryptField(AFTER_RETIREMENT, "phone", rewritten)).toBe("13912345678");
  });

  it("does not accept a value relabelled with another key id", async () => {
    const old = await encryptField(BEFORE_ROTATION, "phone", "13912345678");
    await expect(decryptField(CFG, "phone", old.replace(/^v1\.k0\./, "v1.k1."))).rejects.toThrow();
  });

  it("keyIdOf returns the second dot-separated part", () => {
    expect(keyIdOf("v1.k0.aaa.bbb")).toBe("k0");
    expect(keyIdOf("plain")).toBeUndefined();
  });
});

describe("lookupHash", () => {
  it("is deterministic for the same key, kind and value", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), async (value) => {
        expect(await lookupHash(CFG, "phone", value)).toBe(await lookupHash(CFG, "phone", value));
      }),
      { numRuns: 50 },
    );
  });

  it("is an unpadded base64 HMAC-SHA-256 (43 characters)", async () => {
    const h = await lookupHash(CFG, "phone", "13812345678");
    expect(h).toMatch(/^[A-Za-z0-9+/]{43}$/);
  });

  it("matches HMAC-SHA-256(LOOKUP_KEY, `${kind}:${value}`)", async () => {
    const { createHmac } = await import("node:crypto");
    const expected = createHmac("sha256", Buffer.from(LOOKUP, "base64")).update("email:a@example.com").digest("base64");
    expect(await lookupHash(CFG, "email", "a@example.com")).toBe(expected.replace(/=+$/, ""));
  });

  it("differs per kind for the same value", async () => {
    expect(await lookupHash(CFG, "phone", "13812345678")).not.toBe(await lookupHash(CFG, "email", "13812345678"));
  });

  it("differs per lookup key", async () => {
    const other = { ...CFG, LOOKUP_KEY: OTHER_LOOKUP };
    expect(await lookupHash(CFG, "phone", "13812345678")).not.toBe(await lookupHash(other, "phone", "13812345678"));
  });

  it("does not depend on the data keys (survives data key rotation)", async () => {
    expect(await lookupHash(BEFORE_ROTATION, "phone", "13812345678")).toBe(await lookupHash(CFG, "phone", "13812345678"));
  });

  it("differs for different values", async () => {
    expect(await lookupHash(CFG, "phone", "13812345678")).not.toBe(await lookupHash(CFG, "phone", "13812345679"));
  });
});

describe("maskPhone", () => {
  it.each([
    ["13812345678", "138****5678"],
    ["+8613812345678", "138****5678"],
    ["+86 138 1234 5678", "138****5678"],
    ["86-138-1234-5678", "138****5678"],
    ["8613812345678", "138****5678"],
  ])("%s → %s", (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it("hides short inputs entirely", () => {
    expect(maskPhone("123456")).toBe("******");
    expect(maskPhone("")).toBe("");
  });

  it("never reveals the middle four digits of a mainland mobile (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`);
        expect(maskPhone(`+86 ${phone}`)).toBe(masked);
      }),
    );
  });
});

describe("maskId", () => {
  it("keeps the first 4 and last 2 characters", () => {
    expect(maskId("110101199003071234")).toBe("1101************34");
    expect(maskId("1234567")).toBe("1234*67");
  });

  it("hides values of 6 characters or fewer entirely", () => {
    expect(maskId("123456")).toBe("******");
    expect(maskId("ab")).toBe("**");
    expect(maskId("")).toBe("");
  });

  it("keeps the length of the value", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        expect(maskId(s)).toHaveLength(s.length);
      }),
    );
  });
});

describe("maskAddress", () => {
  it("keeps the first six characters of a Chinese address", () => {
    expect(maskAddress("上海市浦东新区世纪大道100号")).toBe("上海市浦东新****");
  });

  it("keeps two characters of a short address", () => {
    expect(maskAddress("北京市")).toBe("北京****");
    expect(maskAddress("幸福小区6栋")).toBe("幸福****");
  });

  it("counts code points, not UTF-16 units", () => {
    expect(maskAddress("𠮷𠮷𠮷𠮷𠮷𠮷𠮷 路")).toBe("𠮷𠮷𠮷𠮷𠮷𠮷****");
  });
});

describe("maskEmail", () => {
  it("keeps the first character of the local part and the domain", () => {
    expect(maskEmail("alice@example.com")).toBe("a***@example.com");
    expect(maskEmail("b@x.cn")).toBe("b***@x.cn");
  });

  it("handles input without @", () => {
    expect(maskEmail("nobody")).toBe("n***@");
  });
});
