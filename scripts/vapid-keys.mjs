#!/usr/bin/env node
// Generates a VAPID key pair for Web Push (RFC 8292) and prints how to install it:
//   node scripts/vapid-keys.mjs            → the three `wrangler secret put` commands (production)
//   node scripts/vapid-keys.mjs --dev-vars → lines for .dev.vars
// Keep the private key secret; changing the pair makes every existing subscription stop working
// (browsers re-subscribe when the push toggle next loads).
import { generateKeyPairSync } from "node:crypto";

const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const jwk = privateKey.export({ format: "jwk" });
// The uncompressed point (0x04 ‖ X ‖ Y) is the last 65 bytes of the SPKI encoding.
const pub = publicKey.export({ format: "der", type: "spki" }).subarray(-65).toString("base64url");
const priv = JSON.stringify({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, d: jwk.d });

if (process.argv.includes("--dev-vars")) {
  console.log(`VAPID_PUBLIC_KEY=${pub}\nVAPID_PRIVATE_KEY='${priv}'\nVAPID_SUBJECT=mailto:dev@tuangou.localhost`);
} else {
  console.log(`# Production Web Push keys: run these three (each pipes its value into wrangler). Put the operator's
# real contact (mailto: or https:) in the subject.
printf '%s' '${pub}' | npx wrangler secret put VAPID_PUBLIC_KEY
printf '%s' '${priv}' | npx wrangler secret put VAPID_PRIVATE_KEY
printf '%s' 'mailto:ops@your-domain.example' | npx wrangler secret put VAPID_SUBJECT`);
}
