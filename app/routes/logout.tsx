import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/cloudflare";
import { blankSessionCookie, endSession, getSession } from "~/auth/session.server";

/** Signing out is a POST (a link cannot sign anyone out); GET goes back to the account page. */
export async function loader(_: LoaderFunctionArgs) {
  return redirect("/me");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await getSession(context, request);
  const cookie = session ? await endSession(context, session.sessionId) : blankSessionCookie(context);
  // Shared phones: drop the offline copies of pages the signed-out user viewed.
  return redirect("/", { headers: { "Set-Cookie": cookie, "Clear-Site-Data": "\"cache\", \"storage\"" } });
}
