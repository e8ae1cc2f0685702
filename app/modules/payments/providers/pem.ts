/**
 * RSA keys from the forms providers hand out, imported for RSASSA-PKCS1-v1_5 / SHA-256:
 * - private: PKCS#8 "PRIVATE KEY" PEM (WeChat Pay's apiclient_key.pem, Alipay's key tool "PKCS8"),
 *   PKCS#1 "RSA PRIVATE KEY" PEM (Alipay's key tool for non-Java languages), or a bare base64
 *   PKCS#8/PKCS#1 body as copied from the Alipay console;
 * - public: SPKI "PUBLIC KEY" PEM (Alipay public key, WeChat Pay public key), PKCS#1
 *   "RSA PUBLIC KEY", bare base64 SPKI, or an X.509 "CERTIFICATE" (a WeChat Pay platform
 *   certificate), whose SubjectPublicKeyInfo is taken out. The certificate itself (issuer chain,
 *   validity) is NOT checked: configuring it is the act of trust.
 * Literal "\n" sequences (a PEM squeezed into one line of .dev.vars) are tolerated.
 */
import { base64Decode } from "./crypto";

const RSA_ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

export interface Pem {
  /** "PRIVATE KEY", "RSA PRIVATE KEY", "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE", or null for bare base64. */
  label: string | null;
  der: Uint8Array<ArrayBuffer>;
}

/** Decodes the first PEM block (or a bare base64 body). Throws on anything malformed. */
export function decodePem(text: string): Pem {
  const normalised = text.replace(/\\r/g, "").replace(/\\n/g, "\n").trim();
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(normalised);
  const label = match ? match[1]! : null;
  if (!match && normalised.includes("-----")) throw new Error("Malformed PEM: no matching BEGIN/END lines");
  const body = (match ? match[2]! : normalised).replace(/\s+/g, "");
  const der = base64Decode(body);
  if (!der || der.length === 0) throw new Error("Malformed PEM: the body is not base64");
  return { label, der };
}

// ---- minimal DER ----

interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

function readTlv(der: Uint8Array, offset: number, limit = der.length): Tlv {
  if (offset + 2 > limit) throw new Error("Malformed DER: truncated");
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let pos = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || pos + count > limit) throw new Error("Malformed DER: bad length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[pos + i]!;
    pos += count;
  }
  if (pos + length > limit) throw new Error("Malformed DER: truncated");
  return { tag, start: offset, contentStart: pos, end: pos + length };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.contentStart; pos < parent.end; ) {
    const child = readTlv(der, pos, parent.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const header = [tag, ...encodeLength(length)];
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  let pos = header.length;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL } */
const RSA_ALGORITHM_IDENTIFIER = new Uint8Array([
  0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
]);

/** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING }. */
export function pkcs1PrivateToPkcs8(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  return tlv(0x30, new Uint8Array([0x02, 0x01, 0x00]), RSA_ALGORITHM_IDENTIFIER, tlv(0x04, pkcs1));
}

/** PKCS#1 RSAPublicKey → SubjectPublicKeyInfo { rsaEncryption, BIT STRING }. */
export function pkcs1PublicToSpki(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  return tlv(0x30, RSA_ALGORITHM_IDENTIFIER, tlv(0x03, new Uint8Array([0x00]), pkcs1));
}

/** The SubjectPublicKeyInfo of an X.509 certificate (DER), without judging the certificate. */
export function spkiFromCertificate(der: Uint8Array): Uint8Array<ArrayBuffer> {
  const certificate = readTlv(der, 0);
  if (certificate.tag !== 0x30) throw new Error("Malformed certificate");
  const tbs = children(der, certificate)[0];
  if (!tbs || tbs.tag !== 0x30) throw new Error("Malformed certificate");
  const fields = children(der, tbs);
  // version [0] EXPLICIT is optional; then serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const spki = fields[offset + 5];
  if (!spki || spki.tag !== 0x30) throw new Error("Malformed certificate: no SubjectPublicKeyInfo");
  return der.slice(spki.start, spki.end);
}

/** True when the DER is a PKCS#1 RSAPrivateKey (SEQUENCE starting INTEGER, INTEGER) rather than PKCS#8. */
function looksLikePkcs1Private(der: Uint8Array): boolean {
  try {
    const fields = children(der, readTlv(der, 0));
    return fields.length >= 9 && fields.every((f) => f.tag === 0x02);
  } catch {
    return false;
  }
}

function looksLikePkcs1Public(der: Uint8Array): boolean {
  try {
    const fields = children(der, readTlv(der, 0));
    return fields.length === 2 && fields.every((f) => f.tag === 0x02);
  } catch {
    return false;
  }
}

/** Imports an RSA private key for signing (RSASSA-PKCS1-v1_5, SHA-256). */
export async function importRsaPrivateKey(text: string): Promise<CryptoKey> {
  const { label, der } = decodePem(text);
  let pkcs8: Uint8Array<ArrayBuffer>;
  if (label === "PRIVATE KEY") pkcs8 = der;
  else if (label === "RSA PRIVATE KEY" || (label === null && looksLikePkcs1Private(der))) pkcs8 = pkcs1PrivateToPkcs8(der);
  else if (label === null) pkcs8 = der;
  else throw new Error(`Expected an RSA private key, got a PEM "${label}"`);
  return crypto.subtle.importKey("pkcs8", pkcs8, RSA_ALGORITHM, false, ["sign"]);
}

/** Imports an RSA public key for verification (RSASSA-PKCS1-v1_5, SHA-256). */
export async function importRsaPublicKey(text: string): Promise<CryptoKey> {
  const { label, der } = decodePem(text);
  let spki: Uint8Array<ArrayBuffer>;
  if (label === "PUBLIC KEY") spki = der;
  else if (label === "CERTIFICATE") spki = spkiFromCertificate(der);
  else if (label === "RSA PUBLIC KEY" || (label === null && looksLikePkcs1Public(der))) spki = pkcs1PublicToSpki(der);
  else if (label === null) spki = der;
  else throw new Error(`Expected an RSA public key or certificate, got a PEM "${label}"`);
  return crypto.subtle.importKey("spki", spki, RSA_ALGORITHM, false, ["verify"]);
}
