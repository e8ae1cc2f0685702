import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/cloudflare";
import * as v from "valibot";
import { parseWithValibot } from "~/lib/form-submission";
import { safeRedirectPath } from "~/auth/guards.server";
import { getSession } from "~/auth/session.server";
import { LOCALES } from "~/i18n/i18n";
import { localeCookie, textSizeCookie } from "~/lib/preferences.server";
import { setUserLocale } from "~/modules/identity/users.server";

const PreferencesInput = v.object({
  locale: v.optional(v.picklist(LOCALES, "locale_invalid")),
  textSize: v.optional(v.picklist(["normal", "large"], "text_size_invalid")),
  returnTo: v.optional(v.pipe(v.string(), v.maxLength(2000))),
});

export async function loader(_: LoaderFunctionArgs) {
  return redirect("/me");
}

/** Language and large-text mode: cookies, so the server renders the right page before any JS runs. */
export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithValibot(await request.formData(), { schema: PreferencesInput });
  if (submission.status !== "success") {
    return Response.json({ error: { code: "validation_failed", fields: submission.reply().error } }, { status: 400 });
  }
  const { locale, textSize, returnTo } = submission.value;
  const secure = context.request!.secure;
  const headers = new Headers();
  if (locale) {
    headers.append("Set-Cookie", localeCookie(locale, secure));
    const session = await getSession(context, request);
    if (session) await setUserLocale(context, session.user.id, locale);
  }
  if (textSize) headers.append("Set-Cookie", textSizeCookie(textSize, secure));
  return redirect(safeRedirectPath(returnTo, "/"), { headers });
}
