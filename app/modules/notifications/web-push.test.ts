import { encryptNotification } from "@block65/webcrypto-web-push";
import { createECDH, randomBytes } from "node:crypto";
import ece from "http_ece";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { describe, expect, it, vi } from "vitest";
import { fromBase64Url, toBase64Url } from "~/lib/encoding";
import { buildPushRequest, isValidTopic, MAX_PLAINTEXT_BYTES, type VapidKeys } from "./web-push";

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
  const privateKey = await crypto.subtle.importKey("jwk", jwk, { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
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

/** A VAPID identity as push-config.ts hands it over: the public point and the private scalar d (node:crypto). */
function vapidKeys(): VapidKeys {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { publicKey: ecdh.getPublicKey().toString("base64url"), privateKey: ecdh.getPrivateKey().toString("base64url"), subject: "mailto:ops@tuangou.test" };
}

const decrypt = (body: Uint8Array, ua: ReturnType<typeof userAgent>) => ece.decrypt(Buffer.from(body), { version: "aes128gcm", privateKey: ua.ecdh, authSecret: ua.auth }).toString("utf8");

describe("RFC 8291 payload encryption (aes128gcm) by @block65/webcrypto-web-push", () => {
  it("reproduces the RFC's worked example byte for byte (the RFC's salt and sender keys fed in through Web Crypto)", async () => {
    // The library takes its salt from crypto.getRandomValues and its sender key pair from
    // crypto.subtle.generateKey and offers no parameter for them: hand it the RFC's values there.
    const salt = fromBase64Url(RFC.salt);
    const sender = await rfcSenderKeys();
    const getRandomValues = vi.spyOn(crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      (array as unknown as Uint8Array).set(salt);
      return array;
    });
    const generateKey = vi.spyOn(crypto.subtle, "generateKey").mockResolvedValue(sender);
    let body: Uint8Array;
    try {
      body = await encryptNotification({ endpoint: "https://push.example.net/x", expirationTime: null, keys: { p256dh: RFC.uaPublic, auth: RFC.authSecret } }, new TextEncoder().encode(RFC.plaintext), {
        pad: false,
      });
      expect(getRandomValues).toHaveBeenCalledOnce();
      expect(generateKey).toHaveBeenCalledWith({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
    } finally {
      getRandomValues.mockRestore();
      generateKey.mockRestore();
    }
    expect(toBase64Url(body)).toBe(RFC.body);
  });

  it("is what an independent RFC 8188 implementation (http_ece) decrypts with the user agent's keys", async () => {
    const ua = userAgent();
    const payload = { title: "到货啦", body: "阳光花园便利店 08:00–21:00", url: "/orders/ord_x", tag: "ready-ord_x" };
    const { init } = await buildPushRequest({ endpoint: "https://push.example.net/s/1", keys: ua.keys }, payload, vapidKeys(), { ttl: 60 });
    // One record, padded to the whole 4096 bytes every push service must accept: the length tells nothing.
    expect(init.body.byteLength).toBe(4096);
    expect(new DataView(init.body.buffer).getUint32(16)).toBe(4096); // rs
    expect(init.body[20]).toBe(65); // idlen: the sender's public key is the key id
    expect(JSON.parse(decrypt(init.body, ua))).toEqual(payload);
    // The RFC's receiver decrypts the RFC's body too (the decryptor itself is sound).
    const rfcUa = createECDH("prime256v1");
    rfcUa.setPrivateKey(Buffer.from(RFC.uaPrivate, "base64url"));
    expect(ece.decrypt(Buffer.from(RFC.body, "base64url"), { version: "aes128gcm", privateKey: rfcUa, authSecret: RFC.authSecret }).toString()).toBe(RFC.plaintext);
  });

  it("uses a fresh salt and sender key per message", async () => {
    const ua = userAgent();
    const vapid = vapidKeys();
    const send = async () => (await buildPushRequest({ endpoint: "https://push.example.net/s/1", keys: ua.keys }, { same: "payload" }, vapid, { ttl: 60 })).init.body;
    const [a, b] = [await send(), await send()];
    expect(toBase64Url(a.slice(0, 16))).not.toBe(toBase64Url(b.slice(0, 16)));
    expect(toBase64Url(a.slice(21, 86))).not.toBe(toBase64Url(b.slice(21, 86)));
    expect(decrypt(a, ua)).toBe(decrypt(b, ua));
  });

  it("refuses bad subscription keys and a payload too large for one 4096-byte message", async () => {
    const ua = userAgent();
    const vapid = vapidKeys();
    const target = { endpoint: "https://push.example.net/s/1", keys: ua.keys };
    await expect(buildPushRequest({ ...target, keys: { ...ua.keys, p256dh: toBase64Url(fromBase64Url(ua.keys.p256dh).slice(1)) } }, {}, vapid, { ttl: 60 })).rejects.toThrow(/p256dh/);
    await expect(buildPushRequest({ ...target, keys: { ...ua.keys, auth: toBase64Url(fromBase64Url(ua.keys.auth).slice(1)) } }, {}, vapid, { ttl: 60 })).rejects.toThrow(/auth/);
    // {"x":"…"} is 8 bytes of JSON around the string.
    const sized = (bytes: number) => ({ x: "a".repeat(bytes - 8) });
    await expect(buildPushRequest(target, sized(MAX_PLAINTEXT_BYTES + 1), vapid, { ttl: 60 })).rejects.toThrow(/maximum/);
    const largest = await buildPushRequest(target, sized(MAX_PLAINTEXT_BYTES), vapid, { ttl: 60 });
    expect(largest.init.body.byteLength).toBe(4096);
    expect(JSON.parse(decrypt(largest.init.body, ua))).toEqual(sized(MAX_PLAINTEXT_BYTES));
  });
});

describe("VAPID (RFC 8292) and the request", () => {
  it("signs an ES256 JWT for the push service's origin, valid ≤ 24 h, with the contact", async () => {
    const vapid = vapidKeys();
    const ua = userAgent();
    const before = Math.floor(Date.now() / 1000);
    const { init } = await buildPushRequest({ endpoint: "https://push.example.net:8443/wpush/v2/abc?x=1", keys: ua.keys }, {}, vapid, { ttl: 60 });
    const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(init.headers.authorization!);
    expect(m).not.toBeNull();
    expect(m![2]).toBe(vapid.publicKey);
    // Verified against the public key from `k` (as a push service does).
    const point = fromBase64Url(m![2]!);
    const k = await importJWK({ kty: "EC", crv: "P-256", x: toBase64Url(point.slice(1, 33)), y: toBase64Url(point.slice(33)) }, "ES256");
    const { payload } = await jwtVerify(m![1]!, k, { audience: "https://push.example.net:8443", algorithms: ["ES256"] });
    expect(decodeProtectedHeader(m![1]!)).toEqual({ typ: "JWT", alg: "ES256" });
    expect(payload.sub).toBe("mailto:ops@tuangou.test");
    expect(payload.exp! - before).toBeGreaterThan(0);
    expect(payload.exp! - before).toBeLessThanOrEqual(24 * 3600);
    // Signed with this key only: another pair's public key does not verify it.
    const other = fromBase64Url(vapidKeys().publicKey);
    const wrong = await importJWK({ kty: "EC", crv: "P-256", x: toBase64Url(other.slice(1, 33)), y: toBase64Url(other.slice(33)) }, "ES256");
    await expect(jwtVerify(m![1]!, wrong, { audience: "https://push.example.net:8443" })).rejects.toThrow();
  });

  it("builds the push request: aes128gcm body, TTL, Urgency, Topic", async () => {
    const vapid = vapidKeys();
    const ua = userAgent();
    const { url, init } = await buildPushRequest({ endpoint: "https://push.example.net/s/1", keys: ua.keys }, { title: "t" }, vapid, { ttl: 3600, urgency: "high", topic: "ord_abc-1" });
    expect(url).toBe("https://push.example.net/s/1");
    expect(init.method).toBe("POST");
    expect(init.headers).toMatchObject({ "content-encoding": "aes128gcm", "content-type": "application/octet-stream", ttl: "3600", urgency: "high", topic: "ord_abc-1" });
    expect(JSON.parse(decrypt(init.body, ua))).toEqual({ title: "t" });
    // No urgency or topic unless asked; a TTL of 0 (deliver now or drop) stays 0.
    const plain = await buildPushRequest({ endpoint: "https://push.example.net/s/1", keys: ua.keys }, {}, vapid, { ttl: 0 });
    expect(plain.init.headers.ttl).toBe("0");
    expect(Object.keys(plain.init.headers)).not.toContain("urgency");
    expect(Object.keys(plain.init.headers)).not.toContain("topic");
    await expect(buildPushRequest({ endpoint: "https://p.example/1", keys: ua.keys }, {}, vapid, { ttl: 60, topic: "has space" })).rejects.toThrow(/topic/);
    // Push resources are https (RFC 8030 §8): the library refuses anything else.
    await expect(buildPushRequest({ endpoint: "http://p.example/1", keys: ua.keys }, {}, vapid, { ttl: 60 })).rejects.toThrow(/https/);
  });

  it("topics are 1–32 base64url characters", () => {
    expect(isValidTopic("ord_0123456789abcdefghjk")).toBe(true);
    expect(isValidTopic("a".repeat(33))).toBe(false);
    expect(isValidTopic("")).toBe(false);
    expect(isValidTopic("a:b")).toBe(false);
  });
});
