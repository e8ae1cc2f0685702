import * as v from "valibot";
import type { AppContext } from "~/context.server";
import { decryptField, encryptField } from "~/lib/field-crypto.server";
import { readCookie } from "~/lib/preferences.server";
import type { OAuthTransaction } from "./oauth/index.server";

const TX_COOKIE = "tg_oauth";
const TX_TTL_S = 600;

const Tx = v.object({
  provider: v.picklist(["oidc", "wechat"]),
  state: v.string(),
  codeVerifier: v.optional(v.string()),
  nonce: v.optional(v.string()),
  redirectUri: v.string(),
  returnTo: v.optional(v.string()),
  exp: v.number(),
});

/** The OAuth transaction (state, PKCE verifier, nonce) rides in an encrypted, short-lived cookie. */
export async function transactionCookie(ctx: AppContext, tx: OAuthTransaction): Promise<string> {
  const sealed = await encryptField(ctx.env, "oauth_tx", JSON.stringify({ ...tx, exp: Date.now() + TX_TTL_S * 1000 }));
  const secure = ctx.request?.secure ?? true;
  return `${secure ? "__Host-" : ""}${TX_COOKIE}=${sealed}; Path=/; Max-Age=${TX_TTL_S}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function clearTransactionCookie(ctx: AppContext): string {
  const secure = ctx.request?.secure ?? true;
  return `${secure ? "__Host-" : ""}${TX_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export async function readTransaction(ctx: AppContext, request: Request): Promise<OAuthTransaction | null> {
  const secure = ctx.request?.secure ?? true;
  const raw = readCookie(request, `${secure ? "__Host-" : ""}${TX_COOKIE}`);
  if (!raw) return null;
  try {
    const parsed = v.safeParse(Tx, JSON.parse(await decryptField(ctx.env, "oauth_tx", raw)));
    if (!parsed.success || parsed.output.exp < Date.now()) return null;
    const { exp: _exp, ...tx } = parsed.output;
    return tx;
  } catch {
    return null;
  }
}
