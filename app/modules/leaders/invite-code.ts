/**
 * Leader invite codes (邀请码): 8 characters of Crockford's base32 alphabet, upper case. The
 * alphabet already leaves out the letters people confuse with digits or each other (I, L, O, U), so
 * a code read aloud or copied from a poster by hand comes out right. Codes are matched
 * case-insensitively. Older codes (the demo's SUNNY888, the 8 hex characters migration 0009 gave
 * existing points) keep working: a code is any 4–16 letters and digits.
 */
export const INVITE_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const INVITE_CODE_LENGTH = 8;

/** A fresh random code (40 bits from the CSPRNG; 32 divides 256, so every character is uniform). */
export function newInviteCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(INVITE_CODE_LENGTH));
  let out = "";
  for (const b of bytes) out += INVITE_CODE_ALPHABET[b & 31];
  return out;
}

/** The stored form of a typed or linked code: trimmed, upper case; null when it cannot be a code. */
export function normaliseInviteCode(input: string | null | undefined): string | null {
  const code = (input ?? "").trim().toUpperCase();
  return /^[0-9A-Z]{4,16}$/.test(code) ? code : null;
}

/** The share link of a product (or any same-site path) carrying the leader's attribution: /r/<code>?to=/products/<id>. */
export function attributedPath(code: string, to: string): string {
  return `/r/${encodeURIComponent(code)}?to=${encodeURIComponent(to).replace(/%2F/gi, "/")}`;
}

export function invitePath(code: string): string {
  return `/join/${encodeURIComponent(code)}`;
}
