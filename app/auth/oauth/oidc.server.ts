/**
 * Generic OpenID Connect provider (authorization code flow + PKCE S256 + state + nonce),
 * built on oauth4webapi. Uses Web APIs only, so it runs inside a Cloudflare Worker.
 *
 * Note on ID token signatures: oauth4webapi v3's processAuthorizationCodeResponse() validates the
 * ID token claims (iss, aud, exp, iat, sub, nonce, alg allow-list) but NOT its signature, because
 * OIDC Core allows relying on TLS for tokens received directly from the token endpoint. We still
 * verify the signature against the issuer's JWKS with validateApplicationLevelSignature(): it is
 * cheap (JWKS is cached per discovered AuthorizationServer object, which we cache per isolate) and
 * it is the only protection when `allowInsecure` (plain http) is in use.
 */
import * as oauth from "oauth4webapi";

import {
  OAuthError,
  type OAuthProfile,
  type OAuthProvider,
  type OAuthStart,
  type OAuthTransaction,
} from "./types";
import { resolveFetch, safeHttpUrl, singleParam, timingSafeEqualString, type FetchLike } from "./util.server";

export interface OidcProviderConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Allow plain http:// issuer and endpoints. Only for local development and tests. */
  allowInsecure?: boolean;
  fetch?: typeof fetch;
}

export const OIDC_SCOPE = "openid email profile";
export const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 10_000;

interface DiscoveryEntry {
  expiresAt: number;
  promise: Promise<oauth.AuthorizationServer>;
}

/** Per-isolate discovery cache keyed by issuer. Holds the in-flight promise to dedupe requests. */
const discoveryCache = new Map<string, DiscoveryEntry>();

/** Test helper: forget all cached discovery documents (and with them the cached JWKS). */
export function clearOidcDiscoveryCache(): void {
  discoveryCache.clear();
}

type HttpOptions = oauth.HttpRequestOptions<"GET"> & oauth.HttpRequestOptions<"POST", URLSearchParams>;

export class OidcProvider implements OAuthProvider {
  readonly name = "oidc" as const;

  readonly #issuer: URL;
  readonly #issuerKey: string;
  readonly #client: oauth.Client;
  readonly #clientAuth: oauth.ClientAuth;
  readonly #allowInsecure: boolean;
  readonly #fetch: FetchLike;

  constructor(config: OidcProviderConfig) {
    const issuer = config.issuer.trim();
    let url: URL;
    try {
      url = new URL(issuer);
    } catch (cause) {
      throw new OAuthError("not_configured", "OIDC issuer is not a valid URL", { cause });
    }
    this.#allowInsecure = config.allowInsecure === true;
    if (url.protocol !== "https:" && !(this.#allowInsecure && url.protocol === "http:")) {
      throw new OAuthError(
        "not_configured",
        "OIDC issuer must use https:// (http:// needs allowInsecure)",
      );
    }
    if (url.search || url.hash) {
      throw new OAuthError("not_configured", "OIDC issuer must not contain a query or fragment");
    }
    if (!config.clientId || !config.clientSecret) {
      throw new OAuthError("not_configured", "OIDC client id and secret are required");
    }
    this.#issuer = url;
    this.#issuerKey = issuer;
    this.#client = { client_id: config.clientId };
    this.#clientAuth = oauth.ClientSecretBasic(config.clientSecret);
    this.#fetch = resolveFetch(config.fetch);
  }

  async start(redirectUri: string): Promise<OAuthStart> {
    const as = await this.#discover();

    let endpoint: URL;
    try {
      endpoint = new URL(as.authorization_endpoint ?? "");
    } catch (cause) {
      throw new OAuthError("invalid_response", "OIDC discovery has no valid authorization_endpoint", {
        cause,
      });
    }
    if (endpoint.protocol !== "https:" && !(this.#allowInsecure && endpoint.protocol === "http:")) {
      throw new OAuthError("invalid_response", "OIDC authorization_endpoint must use https://");
    }

    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const codeChallenge = await oauth.calculatePKCECodeChallenge(codeVerifier);

    const params = endpoint.searchParams;
    params.set("client_id", this.#client.client_id);
    params.set("redirect_uri", redirectUri);
    params.set("response_type", "code");
    params.set("scope", OIDC_SCOPE);
    params.set("state", state);
    params.set("nonce", nonce);
    params.set("code_challenge", codeChallenge);
    params.set("code_challenge_method", "S256");

    return { url: endpoint.href, state, nonce, codeVerifier };
  }

  async finish(callbackUrl: URL, tx: OAuthTransaction): Promise<OAuthProfile> {
    if (tx.provider !== "oidc") {
      throw new OAuthError("state_mismatch", "transaction belongs to another provider");
    }
    if (!tx.state || !tx.codeVerifier || !tx.nonce || !tx.redirectUri) {
      throw new OAuthError("state_mismatch", "OIDC transaction is incomplete");
    }
    const returnedState = singleParam(callbackUrl.searchParams, "state");
    if (returnedState === undefined || !timingSafeEqualString(returnedState, tx.state)) {
      throw new OAuthError("state_mismatch", "state parameter does not match");
    }

    const as = await this.#discover();
    const options = this.#httpOptions();

    try {
      // Checks iss (RFC 9207) and state, and turns `error=` callbacks into AuthorizationResponseError.
      const params = oauth.validateAuthResponse(as, this.#client, callbackUrl, tx.state);

      const tokenResponse = await oauth.authorizationCodeGrantRequest(
        as,
        this.#client,
        this.#clientAuth,
        params,
        tx.redirectUri,
        tx.codeVerifier,
        options,
      );
      const tokens = await oauth.processAuthorizationCodeResponse(as, this.#client, tokenResponse, {
        expectedNonce: tx.nonce,
        requireIdToken: true,
      });
      // See the module comment: verify the ID token signature against the issuer JWKS.
      await oauth.validateApplicationLevelSignature(as, tokenResponse, options);

      const claims = oauth.getValidatedIdTokenClaims(tokens);
      if (!claims) throw new OAuthError("invalid_response", "token response has no id_token");

      let profile = profileFromClaims(claims.sub, claims);
      if (profile.email === undefined && as.userinfo_endpoint) {
        const userInfoResponse = await oauth.userInfoRequest(
          as,
          this.#client,
          tokens.access_token,
          options,
        );
        const userInfo = await oauth.processUserInfoResponse(
          as,
          this.#client,
          claims.sub,
          userInfoResponse,
        );
        const extra = profileFromClaims(claims.sub, userInfo);
        profile = {
          ...profile,
          email: extra.email,
          emailVerified: extra.emailVerified,
          name: profile.name ?? extra.name,
          avatarUrl: profile.avatarUrl ?? extra.avatarUrl,
        };
      }
      return stripUndefined(profile);
    } catch (error) {
      throw toOAuthError(error);
    }
  }

  #httpOptions(): HttpOptions {
    const doFetch = this.#fetch;
    const options: HttpOptions = {
      signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<string, unknown>) =>
        doFetch(url, init as unknown as RequestInit),
    };
    if (this.#allowInsecure) {
      // Deprecated in oauth4webapi v3 but still the supported switch for http:// endpoints.
      options[oauth.allowInsecureRequests] = true;
    }
    return options;
  }

  #discover(): Promise<oauth.AuthorizationServer> {
    const now = Date.now();
    const cached = discoveryCache.get(this.#issuerKey);
    if (cached && cached.expiresAt > now) return cached.promise;

    const promise = (async () => {
      const response = await oauth.discoveryRequest(this.#issuer, {
        ...this.#httpOptions(),
        algorithm: "oidc",
      });
      return oauth.processDiscoveryResponse(this.#issuer, response);
    })().catch((error: unknown) => {
      // Never cache failures.
      if (discoveryCache.get(this.#issuerKey)?.promise === promise) {
        discoveryCache.delete(this.#issuerKey);
      }
      const mapped = toOAuthError(error);
      throw new OAuthError(mapped.code, `OIDC discovery failed: ${mapped.message}`, {
        cause: error,
        providerCode: mapped.providerCode,
      });
    });
    discoveryCache.set(this.#issuerKey, { expiresAt: now + DISCOVERY_TTL_MS, promise });
    return promise;
  }
}

export function createOidcProvider(config: OidcProviderConfig): OidcProvider {
  return new OidcProvider(config);
}

function profileFromClaims(subject: string, claims: Record<string, unknown>): OAuthProfile {
  const email = typeof claims.email === "string" && claims.email !== "" ? claims.email : undefined;
  const name =
    typeof claims.name === "string" && claims.name !== ""
      ? claims.name
      : typeof claims.preferred_username === "string" && claims.preferred_username !== ""
        ? claims.preferred_username
        : undefined;
  return {
    provider: "oidc",
    subject,
    email,
    emailVerified: email === undefined ? undefined : parseBooleanClaim(claims.email_verified),
    name,
    avatarUrl: safeHttpUrl(claims.picture),
  };
}

/** Some providers (e.g. Cognito) send email_verified as the string "true"/"false". */
function parseBooleanClaim(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

function stripUndefined(profile: OAuthProfile): OAuthProfile {
  const out: OAuthProfile = { provider: profile.provider, subject: profile.subject };
  if (profile.email !== undefined) out.email = profile.email;
  if (profile.emailVerified !== undefined) out.emailVerified = profile.emailVerified;
  if (profile.name !== undefined) out.name = profile.name;
  if (profile.avatarUrl !== undefined) out.avatarUrl = profile.avatarUrl;
  return out;
}

function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof oauth.AuthorizationResponseError) {
    const detail = error.error_description ? `: ${error.error_description}` : "";
    return new OAuthError("provider_error", `authorization failed (${error.error})${detail}`, {
      cause: error,
      providerCode: error.error,
    });
  }
  if (error instanceof oauth.ResponseBodyError) {
    const detail = error.error_description ? `: ${error.error_description}` : "";
    return new OAuthError(
      "provider_error",
      `provider rejected the request (${error.error}, HTTP ${error.status})${detail}`,
      { cause: error, providerCode: error.error },
    );
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const providerCode = error.cause[0]?.parameters.error ?? `http_${error.status}`;
    return new OAuthError(
      "provider_error",
      `provider rejected the request (HTTP ${error.status} challenge)`,
      { cause: error, providerCode },
    );
  }
  if (
    error instanceof oauth.OperationProcessingError ||
    error instanceof oauth.UnsupportedOperationError
  ) {
    return new OAuthError("invalid_response", `invalid provider response: ${error.message}`, {
      cause: error,
    });
  }
  // Network failures, timeouts, aborted requests, …
  const message = error instanceof Error ? error.message : String(error);
  return new OAuthError("provider_error", `request to provider failed: ${message}`, {
    cause: error,
  });
}
