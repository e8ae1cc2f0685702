export type OAuthProviderName = "oidc" | "wechat";

export const OAUTH_PROVIDER_NAMES: readonly OAuthProviderName[] = ["oidc", "wechat"];

export function isOAuthProviderName(value: unknown): value is OAuthProviderName {
  return typeof value === "string" && (OAUTH_PROVIDER_NAMES as readonly string[]).includes(value);
}

/** Result of `OAuthProvider.start()`: where to send the browser plus the secrets to remember. */
export interface OAuthStart {
  /** Authorization URL to redirect the user agent to. */
  url: string;
  state: string;
  /** PKCE code verifier (OIDC only). Keep server-side, never send to the browser. */
  codeVerifier?: string;
  /** OIDC nonce (OIDC only). */
  nonce?: string;
}

/** What the app must persist (e.g. in a signed/encrypted cookie) between start() and finish(). */
export interface OAuthTransaction {
  provider: OAuthProviderName;
  state: string;
  codeVerifier?: string;
  nonce?: string;
  /** The exact redirect URI passed to start(). */
  redirectUri: string;
  /** Optional app-relative path to return to after sign-in (validated by the caller). */
  returnTo?: string;
}

export interface OAuthProfile {
  provider: OAuthProviderName;
  /** Stable identifier at the provider (OIDC `sub`; WeChat `unionid` ?? `openid`). */
  subject: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  avatarUrl?: string;
}

export interface OAuthProvider {
  name: OAuthProviderName;
  start(redirectUri: string): Promise<OAuthStart>;
  finish(callbackUrl: URL, tx: OAuthTransaction): Promise<OAuthProfile>;
}

export type OAuthErrorCode =
  /** Callback `state` (or the stored transaction) does not match. Likely CSRF or a stale tab. */
  | "state_mismatch"
  /** The provider reported an error (user denied, invalid code, bad credentials, network failure, …). */
  | "provider_error"
  /** The provider answered with something that failed validation (bad id_token, nonce, schema, …). */
  | "invalid_response"
  /** The provider is not (correctly) configured. */
  | "not_configured";

export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  /** Provider-specific error identifier when available (OAuth `error`, WeChat `errcode`). */
  readonly providerCode?: string;

  constructor(
    code: OAuthErrorCode,
    message: string,
    options?: { cause?: unknown; providerCode?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OAuthError";
    this.code = code;
    if (options?.providerCode !== undefined) this.providerCode = options.providerCode;
  }
}

export function isOAuthError(error: unknown): error is OAuthError {
  return error instanceof OAuthError;
}
