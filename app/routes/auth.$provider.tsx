import { redirect, type LoaderFunctionArgs } from "@remix-run/cloudflare";
import { safeRedirectPath } from "~/auth/guards.server";
import { getOAuthProvider, isOAuthProviderName } from "~/auth/oauth/index.server";
import { transactionCookie } from "~/auth/oauth-flow.server";

/** GET /auth/:provider — starts the provider's sign-in (state, PKCE, nonce kept in an encrypted cookie). */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const name = params.provider;
  const provider = isOAuthProviderName(name) ? getOAuthProvider(context.env, name) : null;
  if (!provider || !isOAuthProviderName(name)) throw new Response("Not Found", { status: 404 });
  const url = new URL(request.url);
  const redirectUri = `${url.origin}/auth/callback/${name}`;
  const start = await provider.start(redirectUri);
  const cookie = await transactionCookie(context, {
    provider: name,
    state: start.state,
    codeVerifier: start.codeVerifier,
    nonce: start.nonce,
    redirectUri,
    returnTo: safeRedirectPath(url.searchParams.get("redirectTo"), "") || undefined,
  });
  return redirect(start.url, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
}
