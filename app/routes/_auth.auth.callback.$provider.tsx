import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getOAuthProvider, isOAuthError, isOAuthProviderName } from "~/auth/oauth/index.server";
import { clearTransactionCookie, readTransaction } from "~/auth/oauth-flow.server";
import { completeWebSignIn } from "~/auth/sign-in.server";
import { resolveLocale } from "~/lib/preferences.server";
import { findOrCreateUserForOAuth, isUserActive } from "~/modules/identity/users.server";

export const meta: MetaFunction = () => [{ title: "Sign-in" }];

/** GET /auth/callback/:provider — finishes OAuth: checks state, exchanges the code, signs in. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const name = params.provider;
  const provider = isOAuthProviderName(name) ? getOAuthProvider(context.env, name) : null;
  if (!provider) throw new Response("Not Found", { status: 404 });
  const tx = await readTransaction(context, request);
  const clear = clearTransactionCookie(context);
  if (!tx || tx.provider !== name) {
    return Response.json({ failure: "state_mismatch" as const }, { status: 400, headers: { "Set-Cookie": clear } });
  }
  try {
    const profile = await provider.finish(new URL(request.url), tx);
    const { userId } = await findOrCreateUserForOAuth(context, profile, resolveLocale(request));
    // A disabled account gets no session (the session check would refuse it on the next request
    // anyway); say so here instead of landing on the sign-in page without an explanation.
    if (!(await isUserActive(context, userId))) {
      return Response.json({ failure: "account_disabled" as const }, { status: 403, headers: { "Set-Cookie": clear } });
    }
    const response = await completeWebSignIn(context, request, userId, tx.returnTo ?? null);
    response.headers.append("Set-Cookie", clear);
    return response;
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    console.warn(`OAuth ${name} sign-in failed: ${error.code} ${error.message}`);
    return Response.json({ failure: error.code }, { status: 400, headers: { "Set-Cookie": clear } });
  }
}

export default function OAuthFailed() {
  const { t } = useTranslation();
  const data = useLoaderData<{ failure: string }>();
  return (
    <div className="card space-y-4 p-6">
      <h1 className="text-xl font-bold">{t("auth.oauthFailed")}</h1>
      <p className="text-muted">{t(`auth.oauthError.${data.failure}`, { defaultValue: t("auth.oauthError.provider_error") })}</p>
      <Link to="/login" className="btn-primary">
        {t("auth.tryAgain")}
      </Link>
    </div>
  );
}
