import { fromBase64Url } from "~/lib/encoding";
import { decodeP256Point, type VapidKeys } from "./web-push";

/**
 * Web Push settings (secrets: `wrangler secret put`; locally .dev.vars). All three or none: with
 * none, push is off and notices are in-app only.
 */
export interface PushEnv {
  /** The VAPID public key: uncompressed P-256 point, base64url (what browsers subscribe with). */
  VAPID_PUBLIC_KEY?: string;
  /**
   * The VAPID private key as a JWK JSON object: {"kty":"EC","crv":"P-256","x":…,"y":…,"d":…}
   * (what scripts/vapid-keys.mjs prints). The push library takes only `d`; x and y let us check
   * here that the pair matches VAPID_PUBLIC_KEY.
   */
  VAPID_PRIVATE_KEY?: string;
  /** The operator's contact the push services see: mailto:… or https:…. */
  VAPID_SUBJECT?: string;
}

export type PushConfigResult = { ok: true; vapid: VapidKeys } | { ok: false; problem: string } | null;

const present = (s: string | undefined) => typeof s === "string" && s.trim() !== "";

/** Reads and checks the VAPID settings: null when push is not configured, a problem when misconfigured. */
export function parsePushConfig(env: PushEnv): PushConfigResult {
  const { VAPID_PUBLIC_KEY: pub, VAPID_PRIVATE_KEY: priv, VAPID_SUBJECT: subject } = env;
  if (!present(pub) && !present(priv) && !present(subject)) return null;
  const missing = (["VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"] as const).filter((k) => !present(env[k]));
  if (missing.length) return { ok: false, problem: `missing ${missing.join(", ")}` };
  const point = decodeP256Point(pub!.trim());
  if (!point) return { ok: false, problem: "VAPID_PUBLIC_KEY is not an uncompressed P-256 public key in base64url" };
  let jwk: JsonWebKey;
  try {
    jwk = JSON.parse(priv!) as JsonWebKey;
  } catch {
    return { ok: false, problem: "VAPID_PRIVATE_KEY is not JSON (a JWK is expected)" };
  }
  if (typeof jwk !== "object" || jwk === null || jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.d !== "string" || typeof jwk.x !== "string" || typeof jwk.y !== "string") {
    return { ok: false, problem: "VAPID_PRIVATE_KEY must be an EC P-256 private JWK with x, y and d" };
  }
  let x: Uint8Array, y: Uint8Array, d: Uint8Array;
  try {
    [x, y, d] = [fromBase64Url(jwk.x), fromBase64Url(jwk.y), fromBase64Url(jwk.d)];
  } catch {
    return { ok: false, problem: "VAPID_PRIVATE_KEY has coordinates that are not base64url" };
  }
  if (x.byteLength !== 32 || y.byteLength !== 32 || d.byteLength !== 32) return { ok: false, problem: "VAPID_PRIVATE_KEY coordinates must be 32 bytes each" };
  if (!x.every((b, i) => b === point[1 + i]) || !y.every((b, i) => b === point[33 + i])) {
    return { ok: false, problem: "VAPID_PUBLIC_KEY does not match VAPID_PRIVATE_KEY" };
  }
  const contact = subject!.trim();
  if (!/^mailto:[^@\s]+@[^@\s]+$/.test(contact) && !/^https:\/\/[^\s/]+/.test(contact)) {
    return { ok: false, problem: "VAPID_SUBJECT must be a mailto: address or an https: URL" };
  }
  return { ok: true, vapid: { publicKey: pub!.trim(), privateKey: jwk.d, subject: contact } };
}
