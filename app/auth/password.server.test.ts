import { pbkdf2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DUMMY_PASSWORD_HASH, PASSWORD_ITERATIONS, hashPassword, needsRehash, verifyPassword } from "./password.server";

/** Builds a stored hash with Node's own PBKDF2, to check the format independently of hashPassword. */
function nodeHash(password: string, iterations: number, salt = Buffer.alloc(16, 7)): string {
  const hash = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  return `pbkdf2-sha256$${iterations}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

describe("hashPassword", () => {
  it("uses the format pbkdf2-sha256$100000$<salt b64>$<hash b64>", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    const [, iterations, salt, hash] = stored.split("$");
    expect(Number(iterations)).toBe(PASSWORD_ITERATIONS);
    expect(Buffer.from(salt!, "base64")).toHaveLength(16);
    expect(Buffer.from(hash!, "base64")).toHaveLength(32);
  });

  it("is standard PBKDF2-HMAC-SHA-256 (Node's pbkdf2 derives the same hash from the stored salt)", async () => {
    const stored = await hashPassword("s3cret-password");
    const [, iterations, salt, hash] = stored.split("$");
    const expected = pbkdf2Sync("s3cret-password", Buffer.from(salt!, "base64"), Number(iterations), 32, "sha256");
    expect(hash).toBe(expected.toString("base64"));
  });

  it("salts: two hashes of the same password differ", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a).not.toBe(b);
    expect(a.split("$")[2]).not.toBe(b.split("$")[2]);
  });
});

describe("verifyPassword", () => {
  it("accepts the right password and refuses wrong ones", async () => {
    const stored = await hashPassword("Tr0ub4dor&3");
    expect(await verifyPassword(stored, "Tr0ub4dor&3")).toBe(true);
    for (const wrong of ["tr0ub4dor&3", "Tr0ub4dor&", "Tr0ub4dor&3 ", "", "Tr0ub4dor&4"]) {
      expect(await verifyPassword(stored, wrong)).toBe(false);
    }
  });

  it("round-trips unicode passwords", async () => {
    for (const password of ["密码是一二三四五六", "pässwörd-ß", "🔑🔑🔑🔑 keys"]) {
      const stored = await hashPassword(password);
      expect(await verifyPassword(stored, password)).toBe(true);
      expect(await verifyPassword(stored, password + "x")).toBe(false);
    }
  });

  it("verifies hashes written with fewer iterations (stored parameters are honoured)", async () => {
    const stored = nodeHash("legacy-password", 1000);
    expect(await verifyPassword(stored, "legacy-password")).toBe(true);
    expect(await verifyPassword(stored, "other-password")).toBe(false);
  });

  it("normalises with NFKC: full-width and ASCII forms of a password are the same", async () => {
    const stored = await hashPassword("ｐａｓｓｗｏｒｄ１２３");
    expect(await verifyPassword(stored, "password123")).toBe(true);
    const ascii = await hashPassword("password123");
    expect(await verifyPassword(ascii, "ｐａｓｓｗｏｒｄ１２３")).toBe(true);
  });

  it("normalises composed and decomposed accents alike", async () => {
    const stored = await hashPassword("caf\u00e9-latte");
    expect(await verifyPassword(stored, "cafe\u0301-latte")).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["not a hash", "hunter2"],
    ["unknown scheme", "bcrypt$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
    ["missing hash", "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA=="],
    ["empty salt", "pbkdf2-sha256$100000$$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
    ["iterations not a number", "pbkdf2-sha256$lots$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
    ["zero iterations", "pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
    ["negative iterations", "pbkdf2-sha256$-5$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
    ["fractional iterations", "pbkdf2-sha256$1000.5$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
    ["too many iterations", "pbkdf2-sha256$100001$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
    ["hash not base64", "pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$!!!not-base64!!!"],
  ])("returns false (does not throw) for a malformed hash: %s", async (_name, stored) => {
    await expect(verifyPassword(stored, "password123")).resolves.toBe(false);
  });

  it("refuses a hash whose parameters were tampered with", async () => {
    const stored = nodeHash("password123", 2000);
    expect(await verifyPassword(stored, "password123")).toBe(true);
    expect(await verifyPassword(stored.replace("$2000$", "$1000$"), "password123")).toBe(false);
  });

  it("DUMMY_PASSWORD_HASH is well-formed but verifies nothing", async () => {
    expect(DUMMY_PASSWORD_HASH.split("$")).toHaveLength(4);
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    for (const password of ["", "password", "password123", "AAAAAAAAAAAAAAAAAAAAAA=="]) {
      expect(await verifyPassword(DUMMY_PASSWORD_HASH, password)).toBe(false);
    }
  });
});

describe("needsRehash", () => {
  it("is false for a fresh hash", async () => {
    expect(needsRehash(await hashPassword("password123"))).toBe(false);
  });

  it("is true for fewer iterations than today's", () => {
    expect(needsRehash(nodeHash("password123", 1000))).toBe(true);
    expect(needsRehash(nodeHash("password123", PASSWORD_ITERATIONS - 1))).toBe(true);
  });

  it("is true for another scheme", () => {
    expect(needsRehash("bcrypt$12$abc$def")).toBe(true);
    expect(needsRehash("")).toBe(true);
  });
});

describe("corrupt stored hashes", () => {
  it("verify to false instead of throwing", async () => {
    await expect(verifyPassword("pbkdf2-sha256$1000$!!!$AAAA", "password1")).resolves.toBe(false);
    await expect(verifyPassword("pbkdf2-sha256$1000$A$AAAA", "password1")).resolves.toBe(false);
  });
  it("with a non-numeric iteration count need a rehash", () => {
    expect(needsRehash("pbkdf2-sha256$abc$x$y")).toBe(true);
  });
});
