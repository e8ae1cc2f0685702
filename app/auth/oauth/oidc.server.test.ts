import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { startOAuthStandin, type OAuthStandin } from "../../../tests/support/oauth-standin";
import { getOAuthProvider, listConfiguredProviders, type OAuthEnv } from "./index.server";
import { clearOidcDiscoveryCache, createOidcProvider, type OidcProviderConfig } from "./oidc.server";
import { OAuthError, type OAuthProvider, type OAuthTransaction } from "./types";

const REDIRECT_URI = "https://app.example.test/auth/oidc/callback";

let standin: OAuthStandin;

beforeAll(async () => {
  standin = await startOAuthStandin();
});

afterAll(async () => {
  await standin.close();
});

beforeEach(() => {
  clearOidcDiscoveryCache();
  standin.setNextUser({ sub: "alice", email: "alice@example.test", name: "Alice" });
});

function makeProvider(overrides: Partial<OidcProviderConfig> = {}): OAuthProvider {
  return createOidcProvider({
    issuer: standin.issuer,
    clientId: standin.clientId,
    clientSecret: standin.clientSecret,
    allowInsecure: true,
    ...overrides,
  });
}

/** start() → follow the authorize redirect manually → callback URL + transaction. */
async function authorize(provider: OAuthProvider) {
  const start = await provider.start(REDIRECT_URI);
  const response = await fetch(start.url, { redirect: "manual" });
  await response.body?.cancel();
  expect(response.status).toBe(302);
  const location = response.headers.get("location");
  expect(location).toBeTruthy();
  const callbackUrl = new URL(location!);
  const tx: OAuthTransaction = {
    provider: "oidc",
    state: start.state,
    codeVerifier: start.codeVerifier,
    nonce: start.nonce,
    redirectUri: REDIRECT_URI,
  };
  return { start, callbackUrl, tx };
}

async function expectOAuthError(promise: Promise<unknown>, code: OAuthError["code"]): Promise<OAuthError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OAuthError);
  expect((error as OAuthError).code).toBe(code);
  return error as OAuthError;
}

type FetchArgs = [input: RequestInfo | URL, init?: RequestInit];

function requestUrl(input: RequestInfo | URL): string {
  return typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
}

/** A fetch that rewrites the id_token in token endpoint responses. */
function idTokenRewritingFetch(rewrite: (idToken: string) => Promise<string> | string): typeof fetch {
  const wrapped = async (...[input, init]: FetchArgs): Promise<Response> => {
    const response = await fetch(input, init);
    if (!requestUrl(input).endsWith("/token") || response.status !== 200) return response;
    const body = (await response.json()) as Record<string, unknown>;
    body.id_token = await rewrite(String(body.id_token));
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };
  return wrapped as typeof fetch;
}

function countRequests(path: string, from = 0): number {
  return standin.requests.slice(from).filter((r) => r.endsWith(` ${path}`)).length;
}

describe("OIDC provider", () => {
  it("builds an authorization URL with PKCE S256, state and nonce", async () => {
    const provider = makeProvider();
    const start = await provider.start(REDIRECT_URI);
    const url = new URL(start.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${standin.issuer}/authorize`);
    const q = url.searchParams;
    expect(q.get("client_id")).toBe(standin.clientId);
    expect(q.get("redirect_uri")).toBe(REDIRECT_URI);
    expect(q.get("response_type")).toBe("code");
    expect(q.get("scope")).toBe("openid email profile");
    expect(q.get("state")).toBe(start.state);
    expect(q.get("nonce")).toBe(start.nonce);
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(start.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(start.state).not.toBe(start.nonce);
  });

  it("completes the code flow and returns the profile from the id_token", async () => {
    const provider = makeProvider();
    const mark = standin.requests.length;
    const { callbackUrl, tx } = await authorize(provider);
    expect(callbackUrl.searchParams.get("state")).toBe(tx.state);
    expect(callbackUrl.searchParams.get("iss")).toBe(standin.issuer);

    const profile = await provider.finish(callbackUrl, tx);
    expect(profile).toEqual({
      provider: "oidc",
      subject: "alice",
      email: "alice@example.test",
      emailVerified: true,
      name: "Alice",
    });
    expect(countRequests("/token", mark)).toBe(1);
    expect(countRequests("/jwks", mark)).toBe(1); // signature was verified against the JWKS
    expect(countRequests("/userinfo", mark)).toBe(0); // email was already in the id_token
  });

  it("falls back to userinfo when the id_token has no email", async () => {
    standin.setNextUser({
      sub: "bob",
      email: "bob@example.test",
      emailVerified: false,
      name: "Bob",
      picture: "https://img.example.test/bob.png",
      emailOnlyInUserinfo: true,
    });
    const provider = makeProvider();
    const mark = standin.requests.length;
    const { callbackUrl, tx } = await authorize(provider);
    const profile = await provider.finish(callbackUrl, tx);
    expect(profile).toEqual({
      provider: "oidc",
      subject: "bob",
      email: "bob@example.test",
      emailVerified: false,
      name: "Bob",
      avatarUrl: "https://img.example.test/bob.png",
    });
    expect(countRequests("/userinfo", mark)).toBe(1);
  });

  it("returns a profile without email when the provider has none", async () => {
    standin.setNextUser({ sub: "carol" });
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);
    await expect(provider.finish(callbackUrl, tx)).resolves.toEqual({ provider: "oidc", subject: "carol" });
  });

  it("caches the discovery document per issuer", async () => {
    const mark = standin.requests.length;
    for (let i = 0; i < 2; i++) {
      const provider = makeProvider(); // fresh instances share the isolate-level cache
      const { callbackUrl, tx } = await authorize(provider);
      await provider.finish(callbackUrl, tx);
    }
    expect(countRequests("/.well-known/openid-configuration", mark)).toBe(1);
    expect(countRequests("/jwks", mark)).toBe(1);
  });

  it("rejects a callback whose state does not match (state_mismatch)", async () => {
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);
    const mark = standin.requests.length;

    const tampered = new URL(callbackUrl);
    tampered.searchParams.set("state", `${tx.state}x`);
    await expectOAuthError(provider.finish(tampered, tx), "state_mismatch");

    const missing = new URL(callbackUrl);
    missing.searchParams.delete("state");
    await expectOAuthError(provider.finish(missing, tx), "state_mismatch");

    const duplicated = new URL(callbackUrl);
    duplicated.searchParams.append("state", tx.state);
    await expectOAuthError(provider.finish(duplicated, tx), "state_mismatch");

    await expectOAuthError(provider.finish(callbackUrl, { ...tx, provider: "wechat" }), "state_mismatch");
    await expectOAuthError(provider.finish(callbackUrl, { ...tx, codeVerifier: undefined }), "state_mismatch");
    expect(countRequests("/token", mark)).toBe(0); // code never redeemed
  });

  it("reports a wrong or reused code as provider_error", async () => {
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);

    const wrong = new URL(callbackUrl);
    wrong.searchParams.set("code", "not-a-real-code");
    const error = await expectOAuthError(provider.finish(wrong, tx), "provider_error");
    expect(error.providerCode).toBe("invalid_grant");

    await provider.finish(callbackUrl, tx);
    const reused = await expectOAuthError(provider.finish(callbackUrl, tx), "provider_error");
    expect(reused.providerCode).toBe("invalid_grant");
  });

  it("rejects a wrong PKCE code_verifier", async () => {
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);
    const error = await expectOAuthError(
      provider.finish(callbackUrl, { ...tx, codeVerifier: "A".repeat(43) }),
      "provider_error",
    );
    expect(error.providerCode).toBe("invalid_grant");
    expect(error.message).toContain("PKCE");
  });

  it("rejects a redirect_uri that differs from the authorization request", async () => {
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);
    const error = await expectOAuthError(
      provider.finish(callbackUrl, { ...tx, redirectUri: "https://evil.example.test/cb" }),
      "provider_error",
    );
    expect(error.message).toContain("redirect_uri");
  });

  it("rejects an id_token with the wrong nonce", async () => {
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);
    const error = await expectOAuthError(
      provider.finish(callbackUrl, { ...tx, nonce: "some-other-nonce" }),
      "invalid_response",
    );
    expect(error.message).toMatch(/nonce/);
  });

  it("rejects an id_token whose payload was tampered with", async () => {
    const provider = makeProvider({
      fetch: idTokenRewritingFetch((jwt) => {
        const [header, payload, signature] = jwt.split(".");
        const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
        claims.email = "attacker@example.test";
        const forged = Buffer.from(JSON.stringify(claims)).toString("base64url");
        return `${header}.${forged}.${signature}`;
      }),
    });
    const { callbackUrl, tx } = await authorize(provider);
    const error = await expectOAuthError(provider.finish(callbackUrl, tx), "invalid_response");
    expect(error.message).toMatch(/signature/i);
  });

  it("rejects an id_token signed by a key not in the issuer JWKS", async () => {
    const { privateKey: foreignKey } = await generateKeyPair("RS256");
    const provider = makeProvider({
      fetch: idTokenRewritingFetch(async (jwt) => {
        // Same header (incl. kid) and perfectly valid claims; only the signing key differs.
        const header = decodeProtectedHeader(jwt);
        const claims = decodeJwt(jwt);
        return new SignJWT({ ...claims, email: "attacker@example.test" })
          .setProtectedHeader({ alg: "RS256", kid: header.kid, typ: "JWT" })
          .sign(foreignKey);
      }),
    });
    const { callbackUrl, tx } = await authorize(provider);
    const error = await expectOAuthError(provider.finish(callbackUrl, tx), "invalid_response");
    expect(error.message).toMatch(/signature/i);
  });

  it("rejects an unsigned (alg=none) id_token", async () => {
    const provider = makeProvider({
      fetch: idTokenRewritingFetch((jwt) => {
        const [, payload] = jwt.split(".");
        const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
        return `${header}.${payload}.`;
      }),
    });
    const { callbackUrl, tx } = await authorize(provider);
    await expectOAuthError(provider.finish(callbackUrl, tx), "invalid_response");
  });

  it("maps an error callback to provider_error", async () => {
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);
    const denied = new URL(REDIRECT_URI);
    denied.searchParams.set("error", "access_denied");
    denied.searchParams.set("state", tx.state);
    denied.searchParams.set("iss", callbackUrl.searchParams.get("iss")!);
    const error = await expectOAuthError(provider.finish(denied, tx), "provider_error");
    expect(error.providerCode).toBe("access_denied");
  });

  it("rejects a callback with a foreign iss parameter", async () => {
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);
    const mixedUp = new URL(callbackUrl);
    mixedUp.searchParams.set("iss", "https://other-idp.example.test");
    await expectOAuthError(provider.finish(mixedUp, tx), "invalid_response");
  });

  it("reports bad client credentials as provider_error", async () => {
    const provider = makeProvider({ clientSecret: "wrong-secret" });
    const { callbackUrl, tx } = await authorize(provider);
    const error = await expectOAuthError(provider.finish(callbackUrl, tx), "provider_error");
    expect(error.providerCode).toBe("http_401");
  });

  it("reports an unreachable issuer as provider_error and does not cache the failure", async () => {
    const provider = makeProvider({
      fetch: (async () => {
        throw new TypeError("fetch failed");
      }) as typeof fetch,
    });
    await expectOAuthError(provider.start(REDIRECT_URI), "provider_error");
    // A working provider for the same issuer is not poisoned by the failed discovery.
    await expect(makeProvider().start(REDIRECT_URI)).resolves.toHaveProperty("state");
  });

  it("refuses http:// issuers unless allowInsecure is set", () => {
    expect(() => makeProvider({ allowInsecure: false })).toThrow(OAuthError);
    expect(() => makeProvider({ issuer: "not a url" })).toThrow(OAuthError);
  });
});

describe("getOAuthProvider('oidc')", () => {
  const env = (): OAuthEnv => ({
    OIDC_ISSUER: standin.issuer,
    OIDC_CLIENT_ID: standin.clientId,
    OIDC_CLIENT_SECRET: standin.clientSecret,
    OIDC_ALLOW_INSECURE: "true",
  });

  it("returns a working provider when configured", async () => {
    const provider = getOAuthProvider(env(), "oidc");
    expect(provider?.name).toBe("oidc");
    const { callbackUrl, tx } = await authorize(provider!);
    await expect(provider!.finish(callbackUrl, tx)).resolves.toMatchObject({ subject: "alice" });
    expect(listConfiguredProviders(env())).toEqual(["oidc"]);
  });

  it("returns null when not configured or unknown", () => {
    expect(getOAuthProvider({}, "oidc")).toBeNull();
    expect(getOAuthProvider({ ...env(), OIDC_CLIENT_SECRET: "" }, "oidc")).toBeNull();
    expect(getOAuthProvider({ ...env(), OIDC_ISSUER: undefined }, "oidc")).toBeNull();
    expect(getOAuthProvider(env(), "github")).toBeNull();
    expect(listConfiguredProviders({})).toEqual([]);
  });

  it("treats an http:// issuer without OIDC_ALLOW_INSECURE as not configured", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(getOAuthProvider({ ...env(), OIDC_ALLOW_INSECURE: undefined }, "oidc")).toBeNull();
      expect(getOAuthProvider({ ...env(), OIDC_ALLOW_INSECURE: "1" }, "oidc")).toBeNull();
      expect(listConfiguredProviders({ ...env(), OIDC_ALLOW_INSECURE: "false" })).toEqual([]);
      expect(warn).toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
