/**
 * WeChat website login (微信开放平台 · 网站应用 · 扫码登录).
 *
 * Flow: qrconnect authorize URL → callback with `code` & `state` → sns/oauth2/access_token →
 * sns/userinfo. WeChat answers errors with HTTP 200 and `{errcode, errmsg}`, and often with
 * `content-type: text/plain`, so bodies are read as text and parsed as JSON here.
 * Web APIs only (Cloudflare Worker compatible).
 */
import * as v from "valibot";

import {
  OAuthError,
  type OAuthProfile,
  type OAuthProvider,
  type OAuthStart,
  type OAuthTransaction,
} from "./types";
import {
  joinUrl,
  randomToken,
  resolveFetch,
  safeHttpUrl,
  singleParam,
  timingSafeEqualString,
  type FetchLike,
} from "./util.server";

export interface WechatProviderConfig {
  appId: string;
  appSecret: string;
  /** Defaults to https://open.weixin.qq.com */
  openBase?: string;
  /** Defaults to https://api.weixin.qq.com */
  apiBase?: string;
  fetch?: typeof fetch;
}

export const WECHAT_DEFAULT_OPEN_BASE = "https://open.weixin.qq.com";
export const WECHAT_DEFAULT_API_BASE = "https://api.weixin.qq.com";
const REQUEST_TIMEOUT_MS = 10_000;

const NonEmpty = v.pipe(v.string(), v.minLength(1));

const WechatErrorSchema = v.object({
  errcode: v.number(),
  errmsg: v.optional(v.string(), ""),
});

const WechatTokenSchema = v.object({
  access_token: NonEmpty,
  expires_in: v.optional(v.number()),
  refresh_token: v.optional(v.string()),
  openid: NonEmpty,
  scope: v.optional(v.string()),
  unionid: v.optional(v.string()),
});

const WechatUserInfoSchema = v.object({
  openid: NonEmpty,
  nickname: v.optional(v.string()),
  headimgurl: v.optional(v.string()),
  unionid: v.optional(v.string()),
});

export type WechatTokenResponse = v.InferOutput<typeof WechatTokenSchema>;
export type WechatUserInfo = v.InferOutput<typeof WechatUserInfoSchema>;

export class WechatProvider implements OAuthProvider {
  readonly name = "wechat" as const;

  readonly #appId: string;
  readonly #appSecret: string;
  readonly #openBase: string;
  readonly #apiBase: string;
  readonly #fetch: FetchLike;

  constructor(config: WechatProviderConfig) {
    if (!config.appId || !config.appSecret) {
      throw new OAuthError("not_configured", "WeChat app id and secret are required");
    }
    this.#appId = config.appId;
    this.#appSecret = config.appSecret;
    this.#openBase = validateBase(config.openBase || WECHAT_DEFAULT_OPEN_BASE, "openBase");
    this.#apiBase = validateBase(config.apiBase || WECHAT_DEFAULT_API_BASE, "apiBase");
    this.#fetch = resolveFetch(config.fetch);
  }

  async start(redirectUri: string): Promise<OAuthStart> {
    const state = randomToken(32);
    // WeChat is picky: parameters must appear in exactly this order and the fragment is required.
    const url =
      joinUrl(this.#openBase, "/connect/qrconnect") +
      `?appid=${encodeURIComponent(this.#appId)}` +
      `&redirect_uri=${encodeURIComponent(redirectUri)}` +
      `&response_type=code` +
      `&scope=snsapi_login` +
      `&state=${encodeURIComponent(state)}` +
      `#wechat_redirect`;
    return { url, state };
  }

  async finish(callbackUrl: URL, tx: OAuthTransaction): Promise<OAuthProfile> {
    if (tx.provider !== "wechat") {
      throw new OAuthError("state_mismatch", "transaction belongs to another provider");
    }
    const returnedState = singleParam(callbackUrl.searchParams, "state");
    if (!tx.state || returnedState === undefined || !timingSafeEqualString(returnedState, tx.state)) {
      throw new OAuthError("state_mismatch", "state parameter does not match");
    }
    const code = singleParam(callbackUrl.searchParams, "code");
    if (!code) {
      // WeChat redirects back without `code` when the user declines the authorization.
      throw new OAuthError("provider_error", "WeChat authorization was denied or returned no code", {
        providerCode: "access_denied",
      });
    }

    const tokenUrl = new URL(joinUrl(this.#apiBase, "/sns/oauth2/access_token"));
    tokenUrl.searchParams.set("appid", this.#appId);
    tokenUrl.searchParams.set("secret", this.#appSecret);
    tokenUrl.searchParams.set("code", code);
    tokenUrl.searchParams.set("grant_type", "authorization_code");
    const token = await this.#getJson(tokenUrl, WechatTokenSchema, "access_token");

    const userInfoUrl = new URL(joinUrl(this.#apiBase, "/sns/userinfo"));
    userInfoUrl.searchParams.set("access_token", token.access_token);
    userInfoUrl.searchParams.set("openid", token.openid);
    userInfoUrl.searchParams.set("lang", "zh_CN");
    const user = await this.#getJson(userInfoUrl, WechatUserInfoSchema, "userinfo");

    if (user.openid !== token.openid) {
      throw new OAuthError("invalid_response", "WeChat userinfo openid does not match the token");
    }
    const tokenUnionId = nonEmpty(token.unionid);
    const userUnionId = nonEmpty(user.unionid);
    if (tokenUnionId && userUnionId && tokenUnionId !== userUnionId) {
      throw new OAuthError("invalid_response", "WeChat userinfo unionid does not match the token");
    }

    const profile: OAuthProfile = {
      provider: "wechat",
      subject: userUnionId ?? tokenUnionId ?? token.openid,
    };
    const name = nonEmpty(user.nickname);
    if (name !== undefined) profile.name = name;
    const avatarUrl = safeHttpUrl(user.headimgurl);
    if (avatarUrl !== undefined) profile.avatarUrl = avatarUrl;
    return profile;
  }

  async #getJson<TSchema extends v.GenericSchema>(
    url: URL,
    schema: TSchema,
    label: string,
  ): Promise<v.InferOutput<TSchema>> {
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url.href, {
        method: "GET",
        headers: { accept: "application/json, text/plain;q=0.9" },
        redirect: "manual",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new OAuthError("provider_error", `WeChat ${label} request failed: ${message}`, { cause });
    }
    if (!response.ok) {
      throw new OAuthError(
        "provider_error",
        `WeChat ${label} request failed with HTTP ${response.status}`,
        { providerCode: `http_${response.status}` },
      );
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new OAuthError("invalid_response", `WeChat ${label} response is not JSON`, { cause });
    }

    const error = v.safeParse(WechatErrorSchema, json);
    if (error.success && error.output.errcode !== 0) {
      const { errcode, errmsg } = error.output;
      throw new OAuthError("provider_error", `WeChat ${label} error ${errcode}: ${errmsg}`, {
        providerCode: String(errcode),
      });
    }

    const parsed = v.safeParse(schema, json);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const where = issue ? ` (${v.getDotPath(issue) ?? "root"}: ${issue.message})` : "";
      throw new OAuthError("invalid_response", `WeChat ${label} response is malformed${where}`);
    }
    return parsed.output;
  }
}

export function createWechatProvider(config: WechatProviderConfig): WechatProvider {
  return new WechatProvider(config);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function validateBase(value: string, label: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new OAuthError("not_configured", `WeChat ${label} is not a valid URL`, { cause });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new OAuthError("not_configured", `WeChat ${label} must be an http(s) URL`);
  }
  if (url.search || url.hash) {
    throw new OAuthError("not_configured", `WeChat ${label} must not contain a query or fragment`);
  }
  return value.replace(/\/+$/, "");
}
