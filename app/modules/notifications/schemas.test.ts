import { createECDH, randomBytes } from "node:crypto";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { InboxQuery, isAcceptablePushEndpoint, PushSubscriptionForm, PushSubscriptionJson } from "./schemas";

const ecdh = createECDH("prime256v1");
ecdh.generateKeys();
const keys = { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };

describe("push endpoints", () => {
  it("https only (push services speak only HTTP over TLS), without credentials or fragment", () => {
    expect(isAcceptablePushEndpoint("https://fcm.googleapis.com/fcm/send/abc")).toBe(true);
    expect(isAcceptablePushEndpoint("https://web.push.apple.com/QGx")).toBe(true);
    expect(isAcceptablePushEndpoint("https://127.0.0.1:8443/push/1")).toBe(true);
    const bad = ["http://127.0.0.1:9999/push/1", "http://localhost/push/1", "http://[::1]:8080/p", "http://push.example.com/1", "ftp://127.0.0.1/x"];
    for (const b of [...bad, "https://u:p@push.example.com/1", "https://push.example.com/1#frag", "javascript:alert(1)", "/relative", ""]) {
      expect(isAcceptablePushEndpoint(b), b).toBe(false);
    }
  });
});

describe("subscription schemas", () => {
  it("accept a browser's subscription, flat (form) and as PushSubscription JSON", () => {
    const endpoint = "https://updates.push.services.mozilla.com/wpush/v2/gAAAA";
    expect(v.safeParse(PushSubscriptionForm, { endpoint, ...keys }).success).toBe(true);
    expect(v.safeParse(PushSubscriptionJson, { endpoint, keys, expirationTime: null }).success).toBe(true);
    // Padded base64url (some clients send it) decodes to the same lengths.
    expect(v.safeParse(PushSubscriptionForm, { endpoint, p256dh: `${keys.p256dh}=`, auth: `${keys.auth}==` }).success).toBe(true);
  });

  it("answer with a code per bad field", () => {
    const codes = (input: unknown) => {
      const r = v.safeParse(PushSubscriptionForm, input);
      return r.success ? [] : r.issues.map((i) => `${v.getDotPath(i)}:${i.message}`);
    };
    expect(codes({ endpoint: "http://127.0.0.1/x", ...keys })).toEqual(["endpoint:endpoint_invalid"]);
    expect(codes({ endpoint: "https://p.example/x", p256dh: keys.p256dh.slice(2), auth: keys.auth })).toEqual(["p256dh:p256dh_invalid"]);
    expect(codes({ endpoint: "https://p.example/x", p256dh: keys.p256dh, auth: randomBytes(32).toString("base64url") })).toEqual(["auth:auth_invalid"]);
    expect(codes({ endpoint: `https://p.example/${"x".repeat(1100)}`, ...keys })).toEqual(["endpoint:endpoint_invalid"]);
  });
});

describe("inbox cursor", () => {
  it("is <epoch ms>.<notification id>", () => {
    expect(v.parse(InboxQuery, { before: "1732500000000.ntf_0123456789abcdefghjk" })).toEqual({ before: { at: 1732500000000, id: "ntf_0123456789abcdefghjk" } });
    expect(v.parse(InboxQuery, {})).toEqual({});
    for (const bad of ["yesterday", "1.ord_0123456789abcdefghjk", "1732500000000", "-1.ntf_0123456789abcdefghjk"]) expect(v.safeParse(InboxQuery, { before: bad }).success, bad).toBe(false);
  });
});
