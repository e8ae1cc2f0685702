/**
 * Web Crypto helpers for the payment providers (Workers-safe: crypto.subtle, atob/btoa, TextEncoder).
 * RSA here is always RSASSA-PKCS1-v1_5 with SHA-256 ("SHA256withRSA", Alipay's "RSA2", WeChat Pay's
 * "WECHATPAY2-SHA256-RSA2048"), which is deterministic: the same key and message always give the
 * same signature bytes as OpenSSL, Java or Node would.
 */

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

export function utf8Decode(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

export function base64Encode(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (with padding, no whitespace). Returns null for anything else. */
export function base64Decode(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64.test(text)) return null;
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Compares two byte strings in time that depends only on their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

const RSA_PKCS1 = { name: "RSASSA-PKCS1-v1_5" } as const;

/** base64(RSASSA-PKCS1-v1_5 SHA-256 over the UTF-8 bytes of `message`). */
export async function rsaSha256Sign(privateKey: CryptoKey, message: string): Promise<string> {
  const signature = await crypto.subtle.sign(RSA_PKCS1, privateKey, utf8(message));
  return base64Encode(new Uint8Array(signature));
}

/** Verifies a base64 RSA-SHA256 signature; false (never a throw) for malformed input. */
export async function rsaSha256Verify(publicKey: CryptoKey, message: string, signatureBase64: string): Promise<boolean> {
  const signature = base64Decode(signatureBase64);
  if (!signature || signature.length === 0) return false;
  try {
    return await crypto.subtle.verify(RSA_PKCS1, publicKey, signature, utf8(message));
  } catch {
    return false;
  }
}

export async function importHmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** base64(HMAC-SHA256(key, UTF-8 message)). */
export async function hmacSha256Base64(key: CryptoKey, message: string): Promise<string> {
  return base64Encode(new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(message))));
}

/** Verifies a base64 HMAC-SHA256 tag in constant time; false for malformed input. */
export async function hmacSha256Verify(key: CryptoKey, message: string, tagBase64: string): Promise<boolean> {
  const tag = base64Decode(tagBase64);
  if (!tag || tag.length !== 32) return false;
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(message)));
  return constantTimeEqual(expected, tag);
}

/**
 * AES-256-GCM decryption with a 128-bit tag appended to the ciphertext (the layout WeChat Pay
 * and Java's `Cipher.doFinal` use). Returns null when the key is not 32 bytes, the input is too
 * short, or authentication fails.
 */
export async function aesGcmDecrypt(
  key: Uint8Array<ArrayBuffer>,
  iv: Uint8Array<ArrayBuffer>,
  ciphertextWithTag: Uint8Array<ArrayBuffer>,
  additionalData: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array | null> {
  if (key.length !== 32 || iv.length === 0 || ciphertextWithTag.length < 16) return null;
  try {
    const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "AES-GCM" }, false, ["decrypt"]);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData, tagLength: 128 },
      cryptoKey,
      ciphertextWithTag,
    );
    return new Uint8Array(plain);
  } catch {
    return null;
  }
}

const NONCE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random alphanumeric string from the CSPRNG, without modulo bias. */
export function randomNonce(length = 32): string {
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      // 62 * 4 = 248: reject 248..255 so every character is equally likely.
      if (b < 248 && out.length < length) out += NONCE_ALPHABET[b % 62];
    }
  }
  return out;
}

/** Epoch seconds from epoch ms (the unit WeChat Pay and the sandbox put in their timestamp headers). */
export const epochSeconds = (ms: number) => Math.floor(ms / 1000);

/** Signed timestamps may be at most this far from our clock, either way. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * Checks a decimal epoch-seconds header against `nowMs`. Returns a refusal reason or null.
 */
export function checkTimestamp(header: string | null, nowMs: number): string | null {
  if (header === null || !/^\d{1,12}$/.test(header)) return "missing or malformed timestamp";
  const skew = Math.abs(epochSeconds(nowMs) - Number(header));
  return skew > MAX_CLOCK_SKEW_SECONDS ? "timestamp outside the 5-minute window" : null;
}
