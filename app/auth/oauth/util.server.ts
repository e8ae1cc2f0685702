/** Web-API-only helpers shared by the OAuth providers (safe for Cloudflare Workers). */

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Cryptographically random token, base64url without padding. */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024) {
    throw new RangeError("randomToken: bytes must be an integer between 1 and 1024");
  }
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return base64UrlEncode(buf);
}

export function base64UrlEncode(data: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < data.length; i++) binary += String.fromCharCode(data[i]!);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Compares two strings in time that depends only on their lengths (not on where they differ).
 * Workers have crypto.subtle.timingSafeEqual, Node does not, so this is done by hand.
 */
export function timingSafeEqualString(a: string, b: string): boolean {
  const enc = new TextEncoder();
  const x = enc.encode(a);
  const y = enc.encode(b);
  // Always walk the longer input so the loop length does not leak which one is shorter.
  const len = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < len; i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}

/**
 * Resolves the fetch implementation to use. The global fetch is wrapped instead of stored,
 * because Workers throw "Illegal invocation" when `fetch` is called with a foreign `this`.
 */
export function resolveFetch(custom: typeof fetch | undefined): FetchLike {
  if (custom) return (input, init) => custom(input, init);
  return (input, init) => fetch(input, init);
}

/** Joins a configured base URL (with or without trailing slash) and an absolute path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

/** Returns the value of a query parameter only when it occurs exactly once. */
export function singleParam(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

/** Accepts only absolute http(s) URLs (used for avatar URLs coming from providers). */
export function safeHttpUrl(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}
