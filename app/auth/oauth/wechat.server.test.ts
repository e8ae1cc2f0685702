import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { startOAuthStandin, type OAuthStandin } from "../../../tests/support/oauth-standin";
import { getOAuthProvider, listConfiguredProviders, type OAuthEnv } from "./index.server";
import { OAuthError, type OAuthProvider, type OAuthTransaction } from "./types";
import { createWechatProvider, type WechatProviderConfig } from "./wechat.server";

const REDIRECT_URI = "https://app.example.test/auth/wechat/callback?from=login";

let standin: OAuthStandin;

beforeAll(async () => {
  standin = await startOAuthStandin();
});

afterAll(async () => {
  await standin.close();
});

beforeEach(() => {
  standin.setNextUser({
    sub: "o6_bmjrPTlm6_2sgVt7hMZOPfL2M",
    unionid: "oxyz_union_123",
    name: "小明",
    picture: "https://thirdwx.example.test/avatar/132",
  });
});

function makeProvider(overrides: Partial<WechatProviderConfig> = {}): OAuthProvider {
  return createWechatProvider({
    appId: standin.wechatAppId,
    appSecret: standin.wechatAppSecret,
    openBase: standin.wechatOpenBase,
    apiBase: standin.wechatApiBase,
    ...overrides,
  });
}

async function authorize(provider: OAuthProvider) {
  const start = await provider.start(REDIRECT_URI);
  const response = await fetch(start.url, { redirect: "manual" });
  await response.body?.cancel();
  expect(response.status).toBe(302);
  const location = response.headers.get("location");
  expect(location).toBeTruthy();
  const callbackUrl = new URL(location!);
  const tx: OAuthTransaction = { provider: "wechat", state: start.state, redirectUri: REDIRECT_URI };
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

/** A fetch that answers every WeChat API call with the given body (HTTP 200, text/plain). */
function cannedFetch(body: string, status = 200): typeof fetch {
  const fake = async (): Promise<Response> =>
    new Response(body, { status, headers: { "content-type": "text/plain" } });
  return fake as typeof fetch;
}

describe("WeChat provider", () => {
  it("builds the qrconnect URL with parameters in WeChat's exact order", async () => {
    const provider = makeProvider({ openBase: "https://open.weixin.qq.com/" });
    const start = await provider.start(REDIRECT_URI);
    expect(start.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(start.codeVerifier).toBeUndefined();
    expect(start.nonce).toBeUndefined();
    expect(start.url).toBe(
      "https://open.weixin.qq.com/connect/qrconnect" +
        `?appid=${standin.wechatAppId}` +
        `&redirect_uri=${encodeURIComponent(REDIRECT_URI)}` +
        "&response_type=code&scope=snsapi_login" +
        `&state=${start.state}#wechat_redirect`,
    );
  });

  it("uses the official hosts by default", async () => {
    const provider = createWechatProvider({ appId: "wx123", appSecret: "s" });
    const start = await provider.start("https://app.example.test/cb");
    expect(start.url.startsWith("https://open.weixin.qq.com/connect/qrconnect?appid=wx123&")).toBe(true);
  });

  it("completes the flow and uses unionid as the subject", async () => {
    const provider = makeProvider();
    const mark = standin.requests.length;
    const { callbackUrl, tx } = await authorize(provider);
    expect(callbackUrl.searchParams.get("from")).toBe("login");
    expect(callbackUrl.searchParams.get("state")).toBe(tx.state);

    const profile = await provider.finish(callbackUrl, tx);
    expect(profile).toEqual({
      provider: "wechat",
      subject: "oxyz_union_123",
      name: "小明",
      avatarUrl: "https://thirdwx.example.test/avatar/132",
    });
    expect(standin.requests.slice(mark)).toEqual([
      "GET /wechat-open/connect/qrconnect",
      "GET /wechat-api/sns/oauth2/access_token",
      "GET /wechat-api/sns/userinfo",
    ]);
  });

  it("falls back to openid when there is no unionid", async () => {
    standin.setNextUser({ sub: "openid-without-union", name: "Lee" });
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);
    await expect(provider.finish(callbackUrl, tx)).resolves.toEqual({
      provider: "wechat",
      subject: "openid-without-union",
      name: "Lee",
    });
  });

  it("rejects a state mismatch before calling WeChat", async () => {
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);
    const mark = standin.requests.length;

    const tampered = new URL(callbackUrl);
    tampered.searchParams.set("state", "forged");
    await expectOAuthError(provider.finish(tampered, tx), "state_mismatch");

    const missing = new URL(callbackUrl);
    missing.searchParams.delete("state");
    await expectOAuthError(provider.finish(missing, tx), "state_mismatch");

    await expectOAuthError(provider.finish(callbackUrl, { ...tx, state: "" }), "state_mismatch");
    await expectOAuthError(provider.finish(callbackUrl, { ...tx, provider: "oidc" }), "state_mismatch");
    expect(standin.requests.length).toBe(mark);

    // The untouched callback still works afterwards.
    await expect(provider.finish(callbackUrl, tx)).resolves.toHaveProperty("subject", "oxyz_union_123");
  });

  it("maps errcode responses (wrong or reused code) to provider_error", async () => {
    const provider = makeProvider();
    const { callbackUrl, tx } = await authorize(provider);

    const wrong = new URL(callbackUrl);
    wrong.searchParams.set("code", "bogus-code");
    const error = await expectOAuthError(provider.finish(wrong, tx), "provider_error");
    expect(error.providerCode).toBe("40029");
    expect(error.message).toContain("invalid code");

    await provider.finish(callbackUrl, tx);
    const reused = await expectOAuthError(provider.finish(callbackUrl, tx), "provider_error");
    expect(reused.providerCode).toBe("40163");
  });

  it("reports a wrong app secret as provider_error", async () => {
    const provider = makeProvider({ appSecret: "wrong-secret" });
    const { callbackUrl, tx } = await authorize(provider);
    const error = await expectOAuthError(provider.finish(callbackUrl, tx), "provider_error");
    expect(error.providerCode).toBe("40125");
  });

  it("treats a callback without code (user declined) as provider_error", async () => {
    const provider = makeProvider();
    const start = await provider.start(REDIRECT_URI);
    const callbackUrl = new URL(REDIRECT_URI);
    callbackUrl.searchParams.set("state", start.state);
    await expectOAuthError(
      provider.finish(callbackUrl, { provider: "wechat", state: start.state, redirectUri: REDIRECT_URI }),
      "provider_error",
    );
  });

  it("rejects malformed or non-JSON responses as invalid_response", async () => {
    const start = await makeProvider().start(REDIRECT_URI);
    const callbackUrl = new URL(REDIRECT_URI);
    callbackUrl.searchParams.set("code", "some-code");
    callbackUrl.searchParams.set("state", start.state);
    const tx: OAuthTransaction = { provider: "wechat", state: start.state, redirectUri: REDIRECT_URI };

    await expectOAuthError(
      makeProvider({ fetch: cannedFetch("<html>gateway timeout</html>") }).finish(callbackUrl, tx),
      "invalid_response",
    );
    await expectOAuthError(
      makeProvider({ fetch: cannedFetch(JSON.stringify({ access_token: "t" })) }).finish(callbackUrl, tx),
      "invalid_response",
    );
    await expectOAuthError(
      makeProvider({ fetch: cannedFetch("oops", 502) }).finish(callbackUrl, tx),
      "provider_error",
    );
  });

  it("rejects a userinfo response for a different openid", async () => {
    const body = (url: string) =>
      url.includes("/sns/oauth2/access_token")
        ? { access_token: "tok", expires_in: 7200, openid: "openid-A", scope: "snsapi_login" }
        : { openid: "openid-B", nickname: "x", headimgurl: "" };
    const fake = async (input: RequestInfo | URL): Promise<Response> =>
      new Response(JSON.stringify(body(String(input))), { headers: { "content-type": "text/plain" } });
    const provider = makeProvider({ fetch: fake as typeof fetch });
    const start = await provider.start(REDIRECT_URI);
    const callbackUrl = new URL(REDIRECT_URI);
    callbackUrl.searchParams.set("code", "c");
    callbackUrl.searchParams.set("state", start.state);
    await expectOAuthError(
      provider.finish(callbackUrl, { provider: "wechat", state: start.state, redirectUri: REDIRECT_URI }),
      "invalid_response",
    );
  });
});

describe("getOAuthProvider('wechat')", () => {
  const env = (): OAuthEnv => ({
    WECHAT_APP_ID: standin.wechatAppId,
    WECHAT_APP_SECRET: standin.wechatAppSecret,
    WECHAT_OPEN_BASE: standin.wechatOpenBase,
    WECHAT_API_BASE: standin.wechatApiBase,
  });

  it("returns a working provider when configured", async () => {
    const provider = getOAuthProvider(env(), "wechat");
    expect(provider?.name).toBe("wechat");
    const { callbackUrl, tx } = await authorize(provider!);
    await expect(provider!.finish(callbackUrl, tx)).resolves.toMatchObject({ subject: "oxyz_union_123" });
    expect(listConfiguredProviders(env())).toEqual(["wechat"]);
  });

  it("returns null when not configured", () => {
    expect(getOAuthProvider({}, "wechat")).toBeNull();
    expect(getOAuthProvider({ WECHAT_APP_ID: "wx1" }, "wechat")).toBeNull();
    expect(getOAuthProvider({ ...env(), WECHAT_APP_SECRET: " " }, "wechat")).toBeNull();
    expect(getOAuthProvider(env(), "weixin")).toBeNull();
    expect(listConfiguredProviders({ WECHAT_APP_ID: "wx1" })).toEqual([]);
  });
});
