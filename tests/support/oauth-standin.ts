/**
 * A small OAuth stand-in served from the Node test process (127.0.0.1, random port).
 *
 * OIDC (issuer = base URL):
 *   GET  /.well-known/openid-configuration, GET /jwks (RS256 key generated at start)
 *   GET  /authorize  → 302 to redirect_uri?code=…&state=…&iss=… (no login page)
 *   POST /token      → client_secret_basic, code, redirect_uri and PKCE S256 are checked
 *   GET  /userinfo   → Bearer access token
 * WeChat:
 *   GET  {wechatOpenBase}/connect/qrconnect          → 302 to redirect_uri?code=…&state=…
 *   GET  {wechatApiBase}/sns/oauth2/access_token     → text/plain JSON, errcode on failure
 *   GET  {wechatApiBase}/sns/userinfo
 *
 * The user is chosen with setNextUser(); it sticks for all following authorizations until changed.
 * For WeChat, openid = user.sub and unionid = user.unionid (omitted when not set).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { SignJWT, exportJWK, generateKeyPair } from "jose";

export interface StandinUser {
  sub: string;
  email?: string;
  /** Defaults to true when an email is given. */
  emailVerified?: boolean;
  name?: string;
  picture?: string;
  /** Leave email out of the id_token (it is still served by /userinfo). */
  emailOnlyInUserinfo?: boolean;
  /** WeChat unionid; when absent the WeChat response carries only openid (= sub). */
  unionid?: string;
}

export interface OAuthStandin {
  /** Base URL, also the OIDC issuer (no trailing slash). */
  issuer: string;
  wechatOpenBase: string;
  wechatApiBase: string;
  clientId: string;
  clientSecret: string;
  wechatAppId: string;
  wechatAppSecret: string;
  setNextUser(user: StandinUser): void;
  /** "METHOD /path" of every request received, in order (query strings omitted). */
  requests: string[];
  close(): Promise<void>;
}

interface OidcGrant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  user: StandinUser;
  expiresAt: number;
}

interface WechatGrant {
  user: StandinUser;
  expiresAt: number;
}

const DEFAULT_USER: StandinUser = {
  sub: "standin-user-1",
  email: "standin@example.test",
  name: "Standin User",
};

const CODE_TTL_MS = 5 * 60 * 1000;
const TOKEN_TTL_S = 3600;
const WECHAT_OPEN_PREFIX = "/wechat-open";
const WECHAT_API_PREFIX = "/wechat-api";

function token(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** WeChat answers with HTTP 200 and text/plain even for errors. */
function sendWechat(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end(JSON.stringify(body));
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, "cache-control": "no-store" });
  res.end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Basic encoding. */
function parseBasicAuth(header: string | undefined): { id: string; secret: string } | null {
  if (!header?.startsWith("Basic ")) return null;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const sep = decoded.indexOf(":");
  if (sep < 0) return null;
  const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
  try {
    return { id: unform(decoded.slice(0, sep)), secret: unform(decoded.slice(sep + 1)) };
  } catch {
    return null;
  }
}

export async function startOAuthStandin(): Promise<OAuthStandin> {
  const clientId = "standin-client";
  const clientSecret = `secret-${token(12)}`;
  const wechatAppId = "wxstandin0000001";
  const wechatAppSecret = `wxsecret${token(12)}`;

  const kid = `standin-${token(6)}`;
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };

  const requests: string[] = [];
  const oidcCodes = new Map<string, OidcGrant>();
  const oidcTokens = new Map<string, { user: StandinUser; expiresAt: number }>();
  const wechatCodes = new Map<string, WechatGrant>();
  const wechatUsedCodes = new Set<string>();
  const wechatTokens = new Map<string, { user: StandinUser; expiresAt: number }>();
  let nextUser: StandinUser = { ...DEFAULT_USER };
  let issuer = "";

  const discovery = () => ({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic"],
    code_challenge_methods_supported: ["S256"],
    scopes_supported: ["openid", "email", "profile"],
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified", "name", "picture"],
    authorization_response_iss_parameter_supported: true,
  });

  function emailClaims(user: StandinUser): Record<string, unknown> {
    if (user.email === undefined) return {};
    return { email: user.email, email_verified: user.emailVerified ?? true };
  }

  function profileClaims(user: StandinUser): Record<string, unknown> {
    const claims: Record<string, unknown> = {};
    if (user.name !== undefined) claims.name = user.name;
    if (user.picture !== undefined) claims.picture = user.picture;
    return claims;
  }

  async function handleAuthorize(url: URL, res: ServerResponse): Promise<void> {
    const q = url.searchParams;
    const redirectUri = q.get("redirect_uri");
    if (q.get("client_id") !== clientId || !redirectUri) {
      sendJson(res, 400, { error: "invalid_request", error_description: "unknown client or missing redirect_uri" });
      return;
    }
    const back = new URL(redirectUri);
    const state = q.get("state");
    if (state !== null) back.searchParams.set("state", state);
    back.searchParams.set("iss", issuer);

    const codeChallenge = q.get("code_challenge");
    let error: string | null = null;
    if (q.get("response_type") !== "code") error = "unsupported_response_type";
    else if (!(q.get("scope") ?? "").split(" ").includes("openid")) error = "invalid_scope";
    else if (!codeChallenge || q.get("code_challenge_method") !== "S256") error = "invalid_request";
    if (error || !codeChallenge) {
      back.searchParams.set("error", error ?? "invalid_request");
      redirect(res, back.href);
      return;
    }

    const code = token();
    oidcCodes.set(code, {
      clientId,
      redirectUri,
      codeChallenge,
      nonce: q.get("nonce") ?? undefined,
      user: { ...nextUser },
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    back.searchParams.set("code", code);
    redirect(res, back.href);
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const creds = parseBasicAuth(req.headers.authorization);
    if (!creds || creds.id !== clientId || !safeEqual(creds.secret, clientSecret)) {
      sendJson(res, 401, { error: "invalid_client" }, { "www-authenticate": 'Basic realm="standin"' });
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    if (form.get("grant_type") !== "authorization_code") {
      sendJson(res, 400, { error: "unsupported_grant_type" });
      return;
    }
    const code = form.get("code") ?? "";
    const grant = oidcCodes.get(code);
    oidcCodes.delete(code); // single use, also when the request fails below
    if (!grant || grant.expiresAt < Date.now() || grant.clientId !== creds.id) {
      sendJson(res, 400, { error: "invalid_grant", error_description: "invalid or expired code" });
      return;
    }
    if (form.get("redirect_uri") !== grant.redirectUri) {
      sendJson(res, 400, { error: "invalid_grant", error_description: "redirect_uri mismatch" });
      return;
    }
    const verifier = form.get("code_verifier") ?? "";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    if (!verifier || !safeEqual(challenge, grant.codeChallenge)) {
      sendJson(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" });
      return;
    }

    const user = grant.user;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      ...(user.emailOnlyInUserinfo ? {} : emailClaims(user)),
      ...profileClaims(user),
    };
    if (grant.nonce !== undefined) claims.nonce = grant.nonce;
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .setIssuer(issuer)
      .setAudience(clientId)
      .setSubject(user.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_TTL_S)
      .sign(privateKey);

    const accessToken = token();
    oidcTokens.set(accessToken, { user, expiresAt: Date.now() + TOKEN_TTL_S * 1000 });
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: TOKEN_TTL_S,
      scope: "openid email profile",
      id_token: idToken,
    });
  }

  function handleUserinfo(req: IncomingMessage, res: ServerResponse): void {
    const auth = req.headers.authorization ?? "";
    const match = /^Bearer (.+)$/i.exec(auth);
    const entry = match?.[1] ? oidcTokens.get(match[1]) : undefined;
    if (!entry || entry.expiresAt < Date.now()) {
      res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' });
      res.end();
      return;
    }
    sendJson(res, 200, { sub: entry.user.sub, ...emailClaims(entry.user), ...profileClaims(entry.user) });
  }

  function handleQrconnect(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get("redirect_uri");
    if (q.get("appid") !== wechatAppId || !redirectUri || q.get("response_type") !== "code" || q.get("scope") !== "snsapi_login") {
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      res.end("参数错误 (invalid qrconnect request)");
      return;
    }
    const code = token();
    wechatCodes.set(code, { user: { ...nextUser }, expiresAt: Date.now() + CODE_TTL_MS });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    const state = q.get("state");
    if (state !== null) back.searchParams.set("state", state);
    redirect(res, back.href);
  }

  function handleWechatToken(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    if (q.get("appid") !== wechatAppId) {
      sendWechat(res, { errcode: 40013, errmsg: "invalid appid" });
      return;
    }
    if (!safeEqual(q.get("secret") ?? "", wechatAppSecret)) {
      sendWechat(res, { errcode: 40125, errmsg: "invalid appsecret" });
      return;
    }
    if (q.get("grant_type") !== "authorization_code") {
      sendWechat(res, { errcode: 40002, errmsg: "invalid grant_type" });
      return;
    }
    const code = q.get("code") ?? "";
    if (wechatUsedCodes.has(code)) {
      sendWechat(res, { errcode: 40163, errmsg: "code been used" });
      return;
    }
    const grant = wechatCodes.get(code);
    wechatCodes.delete(code);
    if (!grant || grant.expiresAt < Date.now()) {
      sendWechat(res, { errcode: 40029, errmsg: "invalid code" });
      return;
    }
    wechatUsedCodes.add(code);
    const accessToken = token();
    wechatTokens.set(accessToken, { user: grant.user, expiresAt: Date.now() + 7200 * 1000 });
    sendWechat(res, {
      access_token: accessToken,
      expires_in: 7200,
      refresh_token: token(),
      openid: grant.user.sub,
      scope: "snsapi_login",
      ...(grant.user.unionid !== undefined ? { unionid: grant.user.unionid } : {}),
    });
  }

  function handleWechatUserinfo(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const entry = wechatTokens.get(q.get("access_token") ?? "");
    if (!entry || entry.expiresAt < Date.now()) {
      sendWechat(res, { errcode: 40001, errmsg: "invalid credential, access_token is invalid or not latest" });
      return;
    }
    if (q.get("openid") !== entry.user.sub) {
      sendWechat(res, { errcode: 40003, errmsg: "invalid openid" });
      return;
    }
    sendWechat(res, {
      openid: entry.user.sub,
      nickname: entry.user.name ?? "微信用户",
      sex: 0,
      province: "",
      city: "",
      country: "",
      headimgurl: entry.user.picture ?? "",
      privilege: [],
      ...(entry.user.unionid !== undefined ? { unionid: entry.user.unionid } : {}),
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", issuer);
    const method = req.method ?? "GET";
    requests.push(`${method} ${url.pathname}`);
    const key = `${method} ${url.pathname}`;
    switch (key) {
      case "GET /.well-known/openid-configuration":
        return sendJson(res, 200, discovery());
      case "GET /jwks":
        return sendJson(res, 200, { keys: [publicJwk] });
      case "GET /authorize":
        return handleAuthorize(url, res);
      case "POST /token":
        return handleToken(req, res);
      case "GET /userinfo":
        return handleUserinfo(req, res);
      case `GET ${WECHAT_OPEN_PREFIX}/connect/qrconnect`:
        return handleQrconnect(url, res);
      case `GET ${WECHAT_API_PREFIX}/sns/oauth2/access_token`:
        return handleWechatToken(url, res);
      case `GET ${WECHAT_API_PREFIX}/sns/userinfo`:
        return handleWechatUserinfo(url, res);
      default:
        sendJson(res, 404, { error: "not_found" });
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: "server_error", error_description: String(error) });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}`;

  return {
    issuer,
    wechatOpenBase: `${issuer}${WECHAT_OPEN_PREFIX}`,
    wechatApiBase: `${issuer}${WECHAT_API_PREFIX}`,
    clientId,
    clientSecret,
    wechatAppId,
    wechatAppSecret,
    setNextUser(user: StandinUser) {
      nextUser = { ...user };
    },
    requests,
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
