/**
 * Web Push, the sending half: a thin adapter over `@block65/webcrypto-web-push` (Web Crypto only,
 * so it runs in workerd), which
 * - encrypts the payload for the subscription per RFC 8291 in the RFC 8188 `aes128gcm` content
 *   coding (one record, rs 4096, a fresh salt and sender key pair per message, the sender's public
 *   key as the key id, padded to the full 4096-byte body);
 * - signs the VAPID identification (RFC 8292): an ES256 JWT for the push service's origin, valid
 *   12 h, `Authorization: vapid t=…, k=…`.
 * What it leaves to us: TTL, Urgency and Topic per notice kind (notice-kinds.ts), and checks it
 * does not make (see docs/decisions/012-web-push.md).
 */
import { buildPushPayload } from "@block65/webcrypto-web-push";
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

/** The application server's VAPID identity, in the form the library takes. */
export interface VapidKeys {
  /** Uncompressed P-256 public key (65 bytes), base64url: the `applicationServerKey` browsers subscribe with. */
  publicKey: string;
  /** The matching private key: the scalar `d` (32 bytes), base64url. */
  privateKey: string;
  /** Contact for the push service operator: `mailto:…` or `https:…`. */
  subject: string;
}

/** RFC 8030 §5.3 also has "very-low"; the library's types stop at "low" and we never need it. */
export type Urgency = "low" | "normal" | "high";

export interface PushOptions {
  /** Seconds the push service keeps an undelivered message (RFC 8030 §5.2); 0 = deliver now or drop. */
  ttl: number;
  urgency?: Urgency;
  /** Replaces a still-undelivered message with the same topic (RFC 8030 §5.4): ≤ 32 base64url characters. */
  topic?: string;
}

/**
 * The largest JSON payload (UTF-8 bytes) one message carries: 4096 bytes of body (what every push
 * service must accept, RFC 8030 §7.2) less the 86-byte header, the delimiter octet and the
 * 16-byte tag. The library refuses anything larger.
 */
export const MAX_PLAINTEXT_BYTES = 4096 - 86 - 17;

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

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/** RFC 8030 §5.4: a topic is at most 32 characters of the base64url alphabet (the library does not check). */
export function isValidTopic(topic: string): boolean {
  return TOPIC.test(topic);
}

/**
 * The push request for one subscription: URL and fetch init (method, headers, encrypted body).
 * Throws for a subscription the library refuses (keys that do not decode, an endpoint that is not
 * https) and for a bad topic; the caller counts it as a failed delivery.
 */
export async function buildPushRequest(
  target: PushTarget,
  payload: JsonObject,
  vapid: VapidKeys,
  options: PushOptions,
): Promise<{ url: string; init: { method: "POST"; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> } }> {
  if (options.topic !== undefined && !isValidTopic(options.topic)) throw new Error(`invalid push topic ${JSON.stringify(options.topic)}`);
  const ttl = Math.max(0, Math.floor(options.ttl));
  const request = await buildPushPayload(
    { data: payload, options: { ttl, ...(options.urgency && { urgency: options.urgency }), ...(options.topic && { topic: options.topic }) } },
    { endpoint: target.endpoint, expirationTime: null, keys: { p256dh: target.keys.p256dh, auth: target.keys.auth } },
    vapid,
  );
  // The library writes `ttl || 60`, which would turn a TTL of 0 into 60 s: state ours.
  const headers: Record<string, string> = { ...request.headers, ttl: String(ttl) };
  return { url: target.endpoint, init: { method: "POST", headers, body: request.body } };
}
