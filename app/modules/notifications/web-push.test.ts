import { createECDH, randomBytes } from "node:crypto";
import ece from "http_ece";
import { exportJWK, generateKeyPair, importJWK, jwtVerify, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "~/lib/encoding";
import { buildPushRequest, encryptPushPayload, isValidTopic, MAX_PLAINTEXT_BYTES, vapidAuthorization, type VapidKeys } from "./web-push";

// RFC 8291 Appendix A, the published example (every value as the RFC prints it).
const RFC = {
  plaintext: "When I grow up, I want to be a watermelon",
  asPublic: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  asPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  salt: "DGv6ra1nlYgDCS1FRnbzlw",
  authSecret: "BTBZMqHH6r4Tts7J_aSIgg",
  body:
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};

async function rfcSenderKeys(): Promise<CryptoKeyPair> {
  const pub = fromBase64Url(RFC.asPublic);
  const jwk = { kty: "EC", crv: "P-256", x: toBase64Url(pub.slice(1, 33)), y: toBase64Url(pub.slice(33)), d: RFC.asPrivate };
  const privateKey = await crypto.subtle.importKey("jwk", jwk, { name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const publicKey = await crypto.subtle.importKey("raw", pub, { name: "ECDH", namedCurve: "P-256" }, true, []);
  return { privateKey, publicKey };
}

/** A browser's subscription keys: an ECDH P-256 pair and a 16-byte auth secret (node:crypto, independent of the app). */
function userAgent() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") } };
}

async function vapidKeys(): Promise<VapidKeys & { verifyKey: CryptoKey }> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", publicKey as CryptoKey));
  return { publicKey: toBase64Url(raw), privateJwk: jwk, subject: "mailto:ops@tuangou.test", verifyKey: publicKey as CryptoKey };
}

describe("RFC 8291 payload encryption (aes128gcm)", () => {
  it("reproduces the RFC's worked example byte for byte", async () => {
    const body = await encryptPushPayload({
      plaintext: new TextEncoder().encode(RFC.plaintext),
      uaPublic: fromBase64Url(RFC.uaPublic),
      authSecret: fromBase64Url(RFC.authSecret),
      salt: fromBase64Url(RFC.salt),
      senderKeys: await rfcSenderKeys(),
    });
    expect(toBase64Url(body)).toBe(RFC.body);
  });

  it("is what an independent RFC 8188 implementation (http_ece) decrypts with the user agent's keys", async () => {
    const ua = userAgent();
    const text = JSON.stringify({ title: "到货啦", body: "阳光花园便利店 08:00–21:00", url: "/orders/ord_x" });
    const body = await encryptPushPayload({ plaintext: new TextEncoder().encode(text), uaPublic: fromBase64Url(ua.keys.p256dh), authSecret: fromBase64Url(ua.keys.auth), padTo: 64 });
    expect((body.byteLength - 86 - 16) % 64).toBe(0); // padded record
    const plain = ece.decrypt(Buffer.from(body), { version: "aes128gcm", privateKey: ua.ecdh, authSecret: ua.auth });
    expect(plain.toString("utf8")).toBe(text);
    // The RFC's receiver decrypts the RFC's body too (the decryptor itself is sound).
    const rfcUa = createECDH("prime256v1");
    rfcUa.setPrivateKey(Buffer.from(RFC.uaPrivate, "base64url"));
    expect(ece.decrypt(Buffer.from(RFC.body, "base64url"), { version: "aes128gcm", privateKey: rfcUa, authSecret: RFC.authSecret }).toString()).toBe(RFC.plaintext);
  });

  it("uses a fresh salt and sender key per message", async () => {
    const ua = userAgent();
    const input = { plaintext: new TextEncoder().encode("same"), uaPublic: fromBase64Url(ua.keys.p256dh), authSecret: fromBase64Url(ua.keys.auth) };
    const [a, b] = [await encryptPushPayload(input), await encryptPushPayload(input)];
    expect(toBase64Url(a.slice(0, 16))).not.toBe(toBase64Url(b.slice(0, 16)));
    expect(toBase64Url(a.slice(21, 86))).not.toBe(toBase64Url(b.slice(21, 86)));
  });

  it("refuses bad keys and a payload too large for one 4096-byte message", async () => {
    const ua = userAgent();
    const uaPublic = fromBase64Url(ua.keys.p256dh);
    const authSecret = fromBase64Url(ua.keys.auth);
    await expect(encryptPushPayload({ plaintext: new Uint8Array(1), uaPublic: uaPublic.slice(1), authSecret })).rejects.toThrow(/p256dh/);
    await expect(encryptPushPayload({ plaintext: new Uint8Array(1), uaPublic, authSecret: authSecret.slice(0, 15) })).rejects.toThrow(/auth/);
    await expect(encryptPushPayload({ plaintext: new Uint8Array(MAX_PLAINTEXT_BYTES + 1), uaPublic, authSecret })).rejects.toThrow(/too large/);
    const largest = await encryptPushPayload({ plaintext: new Uint8Array(MAX_PLAINTEXT_BYTES), uaPublic, authSecret, padTo: 64 });
    expect(largest.byteLength).toBe(4096);
  });
});

describe("VAPID (RFC 8292) and the request", () => {
  it("signs an ES256 JWT for the push service's origin, valid ≤ 24 h, with the contact", async () => {
    const vapid = await vapidKeys();
    const now = Date.now();
    const header = await vapidAuthorization("https://push.example.net:8443/wpush/v2/abc?x=1", vapid, now);
    const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header);
    expect(m).not.toBeNull();
    expect(m![2]).toBe(vapid.publicKey);
    // Verified against the public key from `k` (as a push service does).
    const k = await importJWK(
      { kty: "EC", crv: "P-256", x: toBase64Url(fromBase64Url(m![2]!).slice(1, 33)), y: toBase64Url(fromBase64Url(m![2]!).slice(33)) },
      "ES256",
    );
    const { payload } = await jwtVerify(m![1]!, k, { audience: "https://push.example.net:8443", algorithms: ["ES256"] });
    expect(decodeProtectedHeader(m![1]!)).toEqual({ typ: "JWT", alg: "ES256" });
    expect(payload.sub).toBe("mailto:ops@tuangou.test");
    expect(payload.exp! * 1000 - now).toBeGreaterThan(0);
    expect(payload.exp! * 1000 - now).toBeLessThanOrEqual(24 * 3600_000);
  });

  it("builds the push request: aes128gcm body, TTL, Urgency, Topic", async () => {
    const vapid = await vapidKeys();
    const ua = userAgent();
    const { url, init } = await buildPushRequest({ endpoint: "https://push.example.net/s/1", keys: ua.keys }, { title: "t" }, vapid, { ttl: 3600, urgency: "high", topic: "ord_abc-1" });
    expect(url).toBe("https://push.example.net/s/1");
    expect(init.method).toBe("POST");
    expect(init.headers).toMatchObject({ "Content-Encoding": "aes128gcm", "Content-Type": "application/octet-stream", TTL: "3600", Urgency: "high", Topic: "ord_abc-1" });
    expect(JSON.parse(ece.decrypt(Buffer.from(init.body), { version: "aes128gcm", privateKey: ua.ecdh, authSecret: ua.auth }).toString())).toEqual({ title: "t" });
    await expect(buildPushRequest({ endpoint: "https://p.example/1", keys: ua.keys }, {}, vapid, { ttl: 60, topic: "has space" })).rejects.toThrow(/topic/);
    await expect(buildPushRequest({ endpoint: "https://p.example/1", keys: { ...ua.keys, p256dh: "AAAA" } }, {}, vapid, { ttl: 60 })).rejects.toThrow(/p256dh/);
  });

  it("topics are 1–32 base64url characters", () => {
    expect(isValidTopic("ord_0123456789abcdefghjk")).toBe(true);
    expect(isValidTopic("a".repeat(33))).toBe(false);
    expect(isValidTopic("")).toBe(false);
    expect(isValidTopic("a:b")).toBe(false);
  });
});
