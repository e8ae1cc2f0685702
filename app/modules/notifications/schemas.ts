import * as v from "valibot";
import { fromBase64Url } from "~/lib/encoding";

/** Push endpoints are capability URLs of the browser's push service; real ones are a few hundred characters. */
export const PUSH_ENDPOINT_MAX = 1024;

function decodedLength(s: string): number {
  try {
    return fromBase64Url(s).byteLength;
  } catch {
    return -1;
  }
}

/**
 * Whether `endpoint` may be stored as a push endpoint: an https URL without credentials or
 * fragment. Push services speak only HTTP over TLS (RFC 8030 §8), and the push library refuses
 * any other endpoint.
 */
export function isAcceptablePushEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  return url.protocol === "https:" && url.hostname !== "";
}

const b64url = /^[A-Za-z0-9_-]+={0,2}$/;

/** The subscription's ECDH public key: an uncompressed P-256 point (65 bytes, first byte 0x04), base64url. */
export const P256dhKey = v.pipe(
  v.string("p256dh_invalid"),
  v.trim(),
  v.regex(b64url, "p256dh_invalid"),
  v.check((s) => decodedLength(s) === 65 && fromBase64Url(s)[0] === 0x04, "p256dh_invalid"),
);

/** The subscription's authentication secret: 16 bytes, base64url. */
export const AuthSecret = v.pipe(v.string("auth_invalid"), v.trim(), v.regex(b64url, "auth_invalid"), v.check((s) => decodedLength(s) === 16, "auth_invalid"));

export const PushEndpoint = v.pipe(
  v.string("endpoint_invalid"),
  v.trim(),
  v.nonEmpty("endpoint_invalid"),
  v.maxLength(PUSH_ENDPOINT_MAX, "endpoint_invalid"),
  v.check((s) => isAcceptablePushEndpoint(s), "endpoint_invalid"),
);

/** The form the push toggle posts (flat fields). */
export const PushSubscriptionForm = v.object({ endpoint: PushEndpoint, p256dh: P256dhKey, auth: AuthSecret });

/** The JSON a browser's `PushSubscription.toJSON()` gives (REST API body). */
export const PushSubscriptionJson = v.object({
  endpoint: v.pipe(PushEndpoint, v.description("The push service URL of this browser's subscription (https)")),
  keys: v.object({
    p256dh: v.pipe(P256dhKey, v.description("ECDH P-256 public key, uncompressed, base64url")),
    auth: v.pipe(AuthSecret, v.description("16-byte authentication secret, base64url")),
  }),
  expirationTime: v.optional(v.nullable(v.number())),
});

export const PushUnsubscribeForm = v.object({ endpoint: PushEndpoint });

/** Inbox paging: the (created_at, id) of the last notice shown, as "<epoch ms>.<id>". */
export const InboxCursor = v.pipe(
  v.string(),
  v.regex(/^\d{1,16}\.ntf_[0-9a-z]{20}$/, "cursor_invalid"),
  v.transform((s) => {
    const dot = s.indexOf(".");
    return { at: Number(s.slice(0, dot)), id: s.slice(dot + 1) };
  }),
);

export const InboxQuery = v.object({ before: v.optional(InboxCursor) });
