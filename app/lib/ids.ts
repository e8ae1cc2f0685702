/**
 * Ids are a type prefix plus 20 characters of Crockford base32 from the platform's CSPRNG
 * (100 bits), e.g. `usr_3k9x…`. See docs/decisions/004-ids.md.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix = "usr" | "ses" | "sic" | "pkp" | "mch" | "cat" | "prd" | "sku" | "img" | "adr" | "aud" | "out" | "dlq" | "ord" | "oli" | "oev" | "pay" | "rfd" | "cpt" | "ucp" | "frd" | "ltd" | "mvi" | "ntf" | "psb" | "pho" | "wdr" | "stc" | "gdc" | "grp" | "gdm" | "fls" | "frv" | "fxt" | "ltx" | "rcn" | "pnt" | "rev" | "scv";

export function randomBase32(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase32(20)}`;
}
