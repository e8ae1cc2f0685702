import { describe, expect, it } from "vitest";
import { parsePushConfig } from "./push-config";

// A P-256 key pair (test only): the public point and the matching private JWK.
const PUBLIC = "BDFMWwGzqMyej05ulka_lc_VsjejyZEZrwBnJP0AdX8Bj6A54FrvYWdeXgQghuLb59353wTck3VFqHmXTKQTh4Y";
const JWK = { kty: "EC", crv: "P-256", x: "MUxbAbOozJ6PTm6WRr-Vz9WyN6PJkRmvAGck_QB1fwE", y: "j6A54FrvYWdeXgQghuLb59353wTck3VFqHmXTKQTh4Y", d: "AqN9VNtZMfQBFQsPWkU1ArUFbHKKFnlzgo-UnY1a5QQ" };
const good = { VAPID_PUBLIC_KEY: PUBLIC, VAPID_PRIVATE_KEY: JSON.stringify(JWK), VAPID_SUBJECT: "mailto:ops@tuangou.test" };

describe("parsePushConfig", () => {
  it("is off (null) with no settings, empty ones included", () => {
    expect(parsePushConfig({})).toBeNull();
    expect(parsePushConfig({ VAPID_PUBLIC_KEY: "", VAPID_PRIVATE_KEY: " ", VAPID_SUBJECT: "" })).toBeNull();
  });

  it("reads a matching key pair and a contact", () => {
    const r = parsePushConfig(good);
    expect(r).toEqual({ ok: true, vapid: { publicKey: PUBLIC, privateKey: JWK.d, subject: "mailto:ops@tuangou.test" } });
    expect(parsePushConfig({ ...good, VAPID_SUBJECT: "https://tuangou.example/contact" })?.ok).toBe(true);
  });

  it("names what is wrong", () => {
    const problem = (env: Record<string, string | undefined>) => {
      const r = parsePushConfig(env);
      return r && !r.ok ? r.problem : r;
    };
    expect(problem({ ...good, VAPID_SUBJECT: undefined })).toBe("missing VAPID_SUBJECT");
    expect(problem({ VAPID_PUBLIC_KEY: PUBLIC })).toBe("missing VAPID_PRIVATE_KEY, VAPID_SUBJECT");
    expect(problem({ ...good, VAPID_PUBLIC_KEY: PUBLIC.slice(0, 40) })).toMatch(/VAPID_PUBLIC_KEY is not/);
    expect(problem({ ...good, VAPID_PRIVATE_KEY: "d=abc" })).toMatch(/not JSON/);
    expect(problem({ ...good, VAPID_PRIVATE_KEY: JSON.stringify({ ...JWK, crv: "P-384" }) })).toMatch(/EC P-256 private JWK/);
    expect(problem({ ...good, VAPID_PRIVATE_KEY: JSON.stringify({ ...JWK, d: undefined }) })).toMatch(/EC P-256 private JWK/);
    expect(problem({ ...good, VAPID_PRIVATE_KEY: JSON.stringify({ ...JWK, x: JWK.y }) })).toBe("VAPID_PUBLIC_KEY does not match VAPID_PRIVATE_KEY");
    expect(problem({ ...good, VAPID_SUBJECT: "ops@tuangou.test" })).toMatch(/VAPID_SUBJECT/);
    expect(problem({ ...good, VAPID_SUBJECT: "http://tuangou.example" })).toMatch(/VAPID_SUBJECT/);
  });
});
