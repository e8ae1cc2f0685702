import { createOidcProvider } from "./oidc.server";
import { OAuthError, type OAuthProvider, type OAuthProviderName } from "./types";
import { createWechatProvider } from "./wechat.server";

export * from "./types";
export { randomToken, timingSafeEqualString } from "./util.server";
export { OidcProvider, createOidcProvider, clearOidcDiscoveryCache } from "./oidc.server";
export type { OidcProviderConfig } from "./oidc.server";
export { WechatProvider, createWechatProvider } from "./wechat.server";
export type { WechatProviderConfig } from "./wechat.server";

export interface OAuthEnv {
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_CLIENT_SECRET?: string;
  /** "true" allows http:// issuers (local development / tests only). */
  OIDC_ALLOW_INSECURE?: string;
  WECHAT_APP_ID?: string;
  WECHAT_APP_SECRET?: string;
  WECHAT_OPEN_BASE?: string;
  WECHAT_API_BASE?: string;
}

export interface OAuthProviderOptions {
  /** Custom fetch passed to the provider (tests). */
  fetch?: typeof fetch;
}

function filled(value: string | undefined): value is string {
  return typeof value === "string" && value.trim() !== "";
}

function create(
  env: OAuthEnv,
  name: OAuthProviderName,
  options: OAuthProviderOptions,
): OAuthProvider | null {
  switch (name) {
    case "oidc":
      if (!filled(env.OIDC_ISSUER) || !filled(env.OIDC_CLIENT_ID) || !filled(env.OIDC_CLIENT_SECRET)) {
        return null;
      }
      return createOidcProvider({
        issuer: env.OIDC_ISSUER.trim(),
        clientId: env.OIDC_CLIENT_ID.trim(),
        clientSecret: env.OIDC_CLIENT_SECRET,
        allowInsecure: env.OIDC_ALLOW_INSECURE === "true",
        fetch: options.fetch,
      });
    case "wechat":
      if (!filled(env.WECHAT_APP_ID) || !filled(env.WECHAT_APP_SECRET)) return null;
      return createWechatProvider({
        appId: env.WECHAT_APP_ID.trim(),
        appSecret: env.WECHAT_APP_SECRET,
        openBase: filled(env.WECHAT_OPEN_BASE) ? env.WECHAT_OPEN_BASE.trim() : undefined,
        apiBase: filled(env.WECHAT_API_BASE) ? env.WECHAT_API_BASE.trim() : undefined,
        fetch: options.fetch,
      });
  }
}

/**
 * Returns the named provider, or null when the name is unknown or the provider is not
 * configured. Present-but-invalid settings (e.g. an http:// issuer without
 * OIDC_ALLOW_INSECURE=true) also count as "not configured"; a warning is logged in that case.
 */
export function getOAuthProvider(
  env: OAuthEnv,
  name: string,
  options: OAuthProviderOptions = {},
): OAuthProvider | null {
  if (name !== "oidc" && name !== "wechat") return null;
  try {
    return create(env, name, options);
  } catch (error) {
    if (error instanceof OAuthError && error.code === "not_configured") {
      console.warn(`[oauth] provider "${name}" is misconfigured: ${error.message}`);
      return null;
    }
    throw error;
  }
}

/** Names of the providers that getOAuthProvider() would return, in display order. */
export function listConfiguredProviders(env: OAuthEnv): OAuthProviderName[] {
  const names: OAuthProviderName[] = ["oidc", "wechat"];
  return names.filter((name) => getOAuthProvider(env, name) !== null);
}
