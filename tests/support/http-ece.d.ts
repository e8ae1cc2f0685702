// Types for the parts of http_ece (RFC 8188 encrypted content coding, a test-only dependency) the
// tests use to decrypt Web Push messages as a browser would.
declare module "http_ece" {
  import type { ECDH } from "node:crypto";
  export interface EceParams {
    version?: "aes128gcm" | "aesgcm" | "aesgcm128";
    privateKey?: ECDH;
    authSecret?: Buffer | string;
    dh?: Buffer | string;
    key?: Buffer | string;
    salt?: Buffer | string;
    rs?: number;
  }
  export function decrypt(buffer: Buffer, params: EceParams): Buffer;
  export function encrypt(buffer: Buffer, params: EceParams): Buffer;
  const ece: { decrypt: typeof decrypt; encrypt: typeof encrypt };
  export default ece;
}
