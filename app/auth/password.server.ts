import { fromBase64, toBase64, timingSafeEqual } from "~/lib/encoding";

/**
 * Password hashing with PBKDF2-HMAC-SHA-256 from WebCrypto (native in workerd, no WASM, no CPU
 * spike beyond ~40 ms). 100,000 iterations is workerd's maximum for PBKDF2; parameters are stored
 * in the hash so they can be raised later (see docs/decisions/003-password-hashing.md).
 *
 * Format: `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`
 */
export const PASSWORD_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password.normalize("NFKC")), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PASSWORD_ITERATIONS);
  return `pbkdf2-sha256$${PASSWORD_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const [scheme, iter, saltB64, hashB64] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iter || !saltB64 || !hashB64) return false;
  const iterations = Number(iter);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PASSWORD_ITERATIONS) return false;
  try {
    const hash = await derive(password, fromBase64(saltB64), iterations);
    return timingSafeEqual(toBase64(hash), hashB64);
  } catch {
    return false; // a corrupt stored hash (e.g. bad base64) verifies nothing
  }
}

/** True when the stored hash uses weaker parameters than today's and should be replaced at sign-in. */
export function needsRehash(stored: string): boolean {
  const [scheme, iter] = stored.split("$");
  const iterations = Number(iter);
  return scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || iterations < PASSWORD_ITERATIONS;
}

/** A hash to verify against when the account does not exist, so timing does not reveal it. */
export const DUMMY_PASSWORD_HASH =
  "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
