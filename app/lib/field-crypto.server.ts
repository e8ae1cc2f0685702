import { fromBase64, toBase64, toBase64Url } from "./encoding";

/**
 * Encryption at rest for sensitive fields (phone numbers, licence/ID numbers, street addresses).
 *
 * Ciphertext format: `v1.<keyId>.<iv b64url>.<ciphertext+tag b64url>` — AES-256-GCM with a random
 * 96-bit IV; the column name is bound as additional data so a value cannot be moved to another
 * column. The key id travels with the value, so keys can be rotated: new writes use DATA_KEY_ID,
 * old values stay readable while their key remains in DATA_KEYS.
 *
 * Exact lookups use `lookupHash` (HMAC-SHA-256 with LOOKUP_KEY over a normalised value).
 */
export interface FieldCryptoConfig {
  DATA_KEYS: string;
  DATA_KEY_ID: string;
  LOOKUP_KEY: string;
}

interface Keys {
  currentId: string;
  aes: Map<string, CryptoKey>;
  hmac: CryptoKey;
}

const cache = new Map<string, Promise<Keys>>();

function loadKeys(cfg: FieldCryptoConfig): Promise<Keys> {
  const cacheKey = `${cfg.DATA_KEY_ID}|${cfg.DATA_KEYS}|${cfg.LOOKUP_KEY}`;
  let keys = cache.get(cacheKey);
  if (!keys) {
    keys = (async () => {
      const aes = new Map<string, CryptoKey>();
      for (const pair of cfg.DATA_KEYS.split(",")) {
        const [id, b64] = pair.trim().split(":");
        if (!id || !b64) continue;
        aes.set(id, await crypto.subtle.importKey("raw", fromBase64(b64), "AES-GCM", false, ["encrypt", "decrypt"]));
      }
      if (!aes.has(cfg.DATA_KEY_ID)) throw new Error("DATA_KEY_ID names no key in DATA_KEYS");
      const hmac = await crypto.subtle.importKey(
        "raw",
        fromBase64(cfg.LOOKUP_KEY),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      return { currentId: cfg.DATA_KEY_ID, aes, hmac };
    })();
    cache.set(cacheKey, keys);
  }
  return keys;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function b64urlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  return fromBase64(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
}

export type FieldName = "phone" | "address" | "licence_no" | "id_no" | "contact_phone" | "oauth_tx" | "pickup_code" | "payout_account";

export async function encryptField(cfg: FieldCryptoConfig, field: FieldName, plaintext: string): Promise<string> {
  const keys = await loadKeys(cfg);
  const key = keys.aes.get(keys.currentId)!;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: enc.encode(field) },
    key,
    enc.encode(plaintext),
  );
  return `v1.${keys.currentId}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`;
}

export async function decryptField(cfg: FieldCryptoConfig, field: FieldName, stored: string): Promise<string> {
  const [version, keyId, ivPart, ctPart] = stored.split(".");
  if (version !== "v1" || !keyId || !ivPart || !ctPart) throw new Error("Unrecognised encrypted value");
  const keys = await loadKeys(cfg);
  const key = keys.aes.get(keyId);
  if (!key) throw new Error(`Encryption key ${keyId} is not configured`);
  const pt = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: b64urlToBytes(ivPart), additionalData: enc.encode(field) },
    key,
    b64urlToBytes(ctPart),
  );
  return dec.decode(pt);
}

/** The key id a stored value was written with (for re-encryption during rotation). */
export function keyIdOf(stored: string): string | undefined {
  return stored.split(".")[1];
}

export async function lookupHash(cfg: FieldCryptoConfig, kind: string, normalised: string): Promise<string> {
  const keys = await loadKeys(cfg);
  const mac = await crypto.subtle.sign("HMAC", keys.hmac, enc.encode(`${kind}:${normalised}`));
  return toBase64(new Uint8Array(mac)).replace(/=+$/, "");
}

/** 13812345678 → 138****5678 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "").replace(/^86(?=1\d{10}$)/, "");
  if (digits.length < 7) return "*".repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Keeps the first 4 and last 2 characters of a licence/ID number. */
export function maskId(value: string): string {
  if (value.length <= 6) return "*".repeat(value.length);
  return `${value.slice(0, 4)}${"*".repeat(value.length - 6)}${value.slice(-2)}`;
}

/** Keeps the first 6 characters of a street address (the street, not the door). */
export function maskAddress(value: string): string {
  const chars = Array.from(value);
  if (chars.length <= 6) return `${chars.slice(0, 2).join("")}****`;
  return `${chars.slice(0, 6).join("")}****`;
}

export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}***@${domain}`;
}
