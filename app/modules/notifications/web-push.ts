/**
 * Web Push, the sending half, with the platform's Web Crypto only (runs in workerd, Node and
 * browsers alike):
 * - the payload is encrypted for the subscription per RFC 8291 ("Message Encryption for Web
 *   Push") in the RFC 8188 `aes128gcm` content coding: one record, the sender's ephemeral ECDH
 *   public key as the key id;
 * - the request carries a VAPID identification (RFC 8292): an ES256 JWT for the push service's
 *   origin, `Authorization: vapid t=…, k=…`;
 * - TTL, Urgency and Topic as RFC 8030 defines them.
 *
 * Why not @pushforge/builder: its 2.0.5 encrypts with the pre-standard `aesgcm` draft coding
 * (Encryption/Crypto-Key headers), which Safari's push service refuses and RFC 8291 replaced.
 * The JWT is signed with `jose`.
 */
import { importJWK, SignJWT, type JWK } from "jose";
import { fromBase64Url } from "~/lib/encoding";

export interface PushSubscriptionKeys {
  /** The user agent's ECDH P-256 public key, uncompressed point (65 bytes), base64url. */
  p256dh: string;
  /** The 16-byte authentication secret, base64url. */
  auth: string;
}

export interface PushTarget {
  endpoint: string;
  keys: PushSubscriptionKeys;
}

export interface VapidKeys {
  /** Uncompressed P-256 public key (65 bytes), base64url: the `applicationServerKey` browsers subscribe with. */
  publicKey: string;
  /** The matching private key as a JWK (kty EC, crv P-256, x, y, d). */
  privateJwk: JsonWebKey;
  /** Contact for the push service operator: `mailto:…` or `https:…`. */
  subject: string;
}

export type Urgency = "very-low" | "low" | "normal" | "high";

export interface PushOptions {
  /** Seconds the push service keeps an undelivered message (RFC 8030 §5.2). */
  ttl: number;
  urgency?: Urgency;
  /** Replaces a still-undelivered message with the same topic (RFC 8030 §5.4): ≤ 32 base64url characters. */
  topic?: string;
}

/** RFC 8188 record size we declare; one record carries the whole message. */
const RECORD_SIZE = 4096;
const HEADER_BYTES = 16 + 4 + 1 + 65;
const TAG_BYTES = 16;
/** Push services must accept 4096 bytes of body (RFC 8030 §7.2, RFC 8291 §4); ours never exceeds that. */
export const MAX_BODY_BYTES = 4096;
/** The largest plaintext that fits: the body less the header, the tag and the delimiter octet. */
export const MAX_PLAINTEXT_BYTES = MAX_BODY_BYTES - HEADER_BYTES - TAG_BYTES - 1;
/** RFC 8292 §2: a JWT valid for at most 24 hours. */
const JWT_LIFETIME_S = 12 * 3600;

const encoder = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

async function hkdf(ikm: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8));
}

/** Decodes and checks an uncompressed P-256 point (0x04 ‖ X ‖ Y). */
export function decodeP256Point(b64url: string): Uint8Array<ArrayBuffer> | null {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64Url(b64url);
  } catch {
    return null;
  }
  return bytes.byteLength === 65 && bytes[0] === 0x04 ? bytes : null;
}

/**
 * RFC 8291 §3–4: encrypts `plaintext` for a user agent. `salt` and `senderKeys` are random per
 * message unless given (the RFC's worked example fixes them). `padTo` pads the record (with
 * zeros after the 0x02 delimiter) to a multiple of that many bytes, so lengths say less.
 */
export async function encryptPushPayload(input: {
  plaintext: Uint8Array;
  uaPublic: Uint8Array<ArrayBuffer>;
  authSecret: Uint8Array<ArrayBuffer>;
  salt?: Uint8Array<ArrayBuffer>;
  senderKeys?: CryptoKeyPair;
  padTo?: number;
}): Promise<Uint8Array<ArrayBuffer>> {
  if (input.uaPublic.byteLength !== 65 || input.uaPublic[0] !== 0x04) throw new Error("p256dh must be an uncompressed P-256 point");
  if (input.authSecret.byteLength !== 16) throw new Error("auth must be 16 bytes");
  if (input.plaintext.byteLength > MAX_PLAINTEXT_BYTES) throw new Error(`push payload too large (${input.plaintext.byteLength} > ${MAX_PLAINTEXT_BYTES} bytes)`);
  const salt = input.salt ?? crypto.getRandomValues(new Uint8Array(16));
  const sender = input.senderKeys ?? ((await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair);
  const asPublic = new Uint8Array((await crypto.subtle.exportKey("raw", sender.publicKey)) as ArrayBuffer);
  const uaKey = await crypto.subtle.importKey("raw", input.uaPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: uaKey }, sender.privateKey, 256));

  // §3.3–3.4: IKM from the shared secret and the auth secret, bound to both public keys.
  const keyInfo = concat(encoder.encode("WebPush: info\0"), input.uaPublic, asPublic);
  const ikm = await hkdf(ecdhSecret, input.authSecret, keyInfo, 32);
  // RFC 8188 §2.2–2.3: content-encryption key and nonce (one record: sequence number 0).
  const cek = await hkdf(ikm, salt, encoder.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(ikm, salt, encoder.encode("Content-Encoding: nonce\0"), 12);

  const unpadded = input.plaintext.byteLength + 1;
  const padTo = Math.max(1, Math.floor(input.padTo ?? 1));
  const recordLength = Math.min(Math.ceil(unpadded / padTo) * padTo, MAX_BODY_BYTES - HEADER_BYTES - TAG_BYTES);
  const record = new Uint8Array(Math.max(unpadded, recordLength));
  record.set(input.plaintext, 0);
  record[input.plaintext.byteLength] = 0x02; // last (only) record; zeros after it are padding

  const aes = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce }, aes, record));

  const header = new Uint8Array(HEADER_BYTES);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = asPublic.byteLength;
  header.set(asPublic, 21);
  return concat(header, ciphertext);
}

const signingKeys = new Map<string, Promise<CryptoKey | Uint8Array>>();

function signingKey(jwk: JsonWebKey): Promise<CryptoKey | Uint8Array> {
  const id = `${jwk.x}.${jwk.y}.${jwk.d}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = importJWK({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, d: jwk.d } as JWK, "ES256");
    key.catch(() => signingKeys.delete(id));
    signingKeys.set(id, key);
  }
  return key;
}

/** RFC 8292 §2–3: the VAPID `Authorization` header value for a push service's origin. */
export async function vapidAuthorization(endpoint: string, vapid: VapidKeys, now = Date.now()): Promise<string> {
  const jwt = await new SignJWT({ sub: vapid.subject })
    .setProtectedHeader({ typ: "JWT", alg: "ES256" })
    .setAudience(new URL(endpoint).origin)
    .setExpirationTime(Math.floor(now / 1000) + JWT_LIFETIME_S)
    .sign(await signingKey(vapid.privateJwk));
  return `vapid t=${jwt}, k=${vapid.publicKey}`;
}

const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

export function isValidTopic(topic: string): boolean {
  return TOPIC.test(topic);
}

/**
 * The push request for one subscription: URL and fetch init (method, headers, encrypted body).
 * Throws for a subscription whose keys do not decode (the caller counts it as a failure).
 */
export async function buildPushRequest(
  target: PushTarget,
  payload: unknown,
  vapid: VapidKeys,
  options: PushOptions,
  now = Date.now(),
): Promise<{ url: string; init: RequestInit & { headers: Record<string, string>; body: Uint8Array<ArrayBuffer> } }> {
  const uaPublic = decodeP256Point(target.keys.p256dh);
  if (!uaPublic) throw new Error("subscription p256dh is not an uncompressed P-256 point");
  const authSecret = fromBase64Url(target.keys.auth);
  const body = await encryptPushPayload({ plaintext: encoder.encode(JSON.stringify(payload)), uaPublic, authSecret, padTo: 64 });
  const headers: Record<string, string> = {
    Authorization: await vapidAuthorization(target.endpoint, vapid, now),
    "Content-Encoding": "aes128gcm",
    "Content-Type": "application/octet-stream",
    TTL: String(Math.max(0, Math.floor(options.ttl))),
  };
  if (options.urgency) headers.Urgency = options.urgency;
  if (options.topic !== undefined) {
    if (!isValidTopic(options.topic)) throw new Error(`invalid push topic ${JSON.stringify(options.topic)}`);
    headers.Topic = options.topic;
  }
  return { url: target.endpoint, init: { method: "POST", headers, body } };
}
