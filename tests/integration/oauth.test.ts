import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startOAuthStandin, type OAuthStandin } from "../support/oauth-standin";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
let provider: OAuthStandin;

beforeAll(async () => {
  provider = await startOAuthStandin();
  worker = await startWorker({
    vars: {
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_ALLOW_INSECURE: "true",
      WECHAT_APP_ID: provider.wechatAppId,
      WECHAT_APP_SECRET: provider.wechatAppSecret,
      WECHAT_OPEN_BASE: provider.wechatOpenBase,
      WECHAT_API_BASE: provider.wechatApiBase,
    },
  });
});
afterAll(async () => {
  await worker?.dispose();
  await provider?.close();
});
afterEach(() => worker.expectNoServerErrors([/OAuth (oidc|wechat) sign-in failed/]));

/** Start at /auth/:provider, let the provider approve, and come back to the callback. */
async function roundTrip(client: Client, name: "oidc" | "wechat", tamper?: (callback: URL) => void) {
  const start = await client.get(`/auth/${name}?redirectTo=%2Fme`);
  expect(start.status).toBe(302);
  const authorize = start.headers.get("location")!;
  const approved = await fetch(authorize, { redirect: "manual" });
  expect(approved.status).toBe(302);
  const callback = new URL(approved.headers.get("location")!);
  expect(callback.pathname).toBe(`/auth/callback/${name}`);
  tamper?.(callback);
  return client.get(callback.pathname + callback.search);
}

describe("OAuth sign-in", () => {
  it("lists the configured providers on the sign-in page", async () => {
    const html = await (await worker.client().get("/login")).text();
    expect(html).toContain('href="/auth/oidc"');
    expect(html).toContain('href="/auth/wechat"');
  });

  it("signs in through a generic OIDC provider (code + PKCE + nonce) and creates the account once", async () => {
    provider.setNextUser({ sub: "oidc-user-42", email: "oidc.person@example.test", emailVerified: true, name: "欧阿姨" });
    const client = worker.client();
    const done = await roundTrip(client, "oidc");
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/me");
    const me = await client.get("/me");
    expect(await me.text()).toContain("欧阿姨");
    const again = await roundTrip(worker.client(), "oidc");
    expect(again.status).toBe(302);
    const n = await worker.d1.prepare("SELECT count(*) AS n FROM oauth_accounts WHERE provider = 'oidc' AND provider_user_id = 'oidc-user-42'").first<{ n: number }>();
    expect(n!.n).toBe(1);
    const users = await worker.d1.prepare("SELECT count(*) AS n FROM users WHERE email = 'oidc.person@example.test'").first<{ n: number }>();
    expect(users!.n).toBe(1);
  });

  it("links a verified email to the existing account", async () => {
    provider.setNextUser({ sub: "oidc-admin", email: "admin@demo.tuangou.test", emailVerified: true, name: "Admin" });
    const done = await roundTrip(worker.client(), "oidc");
    expect(done.status).toBe(302);
    const row = await worker.d1.prepare("SELECT user_id FROM oauth_accounts WHERE provider_user_id = 'oidc-admin'").first<{ user_id: string }>();
    expect(row!.user_id).toBe("usr_demoadmin00000000000");
  });

  it("refuses a disabled account with an explanation and no session", async () => {
    provider.setNextUser({ sub: "oidc-disabled-1", email: "oidc.disabled@example.test", emailVerified: true, name: "停用的人" });
    expect((await roundTrip(worker.client(), "oidc")).status).toBe(302);
    await worker.d1.prepare("UPDATE users SET status = 'disabled' WHERE email = 'oidc.disabled@example.test'").run();
    const client = worker.client();
    const before = Date.now();
    const refused = await roundTrip(client, "oidc");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("该账号已被停用");
    const sessions = await worker.d1
      .prepare("SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'oidc.disabled@example.test' AND s.created_at >= ?")
      .bind(before)
      .first<{ n: number }>();
    expect(sessions!.n).toBe(0);
  });

  it("does not link an unverified email to an existing account", async () => {
    provider.setNextUser({ sub: "oidc-impostor", email: "fruit@demo.tuangou.test", emailVerified: false, name: "Impostor" });
    await roundTrip(worker.client(), "oidc");
    const row = await worker.d1.prepare("SELECT user_id FROM oauth_accounts WHERE provider_user_id = 'oidc-impostor'").first<{ user_id: string }>();
    expect(row!.user_id).not.toBe("usr_demomerchant01000000");
  });

  it("signs in with WeChat website login", async () => {
    provider.setNextUser({ sub: "wx-openid-7", name: "微信用户小王", unionid: "wx-union-7" });
    const client = worker.client();
    const done = await roundTrip(client, "wechat");
    expect(done.status).toBe(302);
    const row = await worker.d1.prepare("SELECT provider_user_id FROM oauth_accounts WHERE provider = 'wechat'").first<{ provider_user_id: string }>();
    expect(row!.provider_user_id).toBe("wx-union-7");
    expect((await client.get("/me")).status).toBe(200);
  });

  it("refuses a callback whose state does not match, or with no transaction cookie", async () => {
    const tampered = await roundTrip(worker.client(), "oidc", (cb) => cb.searchParams.set("state", "forged"));
    expect(tampered.status).toBe(400);
    expect(tampered.headers.getSetCookie().some((c) => c.startsWith("tg_session="))).toBe(false);
    const noCookie = await worker.client().get("/auth/callback/oidc?code=abc&state=xyz");
    expect(noCookie.status).toBe(400);
    expect(await noCookie.text()).toContain("第三方登录没有完成");
  });

  it("404s for providers that are not configured or unknown", async () => {
    expect((await worker.client().get("/auth/github")).status).toBe(404);
  });
});
