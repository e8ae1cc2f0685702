import { data, type HeadersFunction, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { getAdminAccess, requirePermission } from "~/auth/guards.server";
import { hasPermission } from "~/auth/permissions";
import { FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { fieldErrors, RedriveInput } from "~/modules/settlement/admin-forms";
import { DEAD_LETTERS_SHOWN, listDeadLetters, redriveDeadLetter } from "~/modules/settlement/dead-letters.server";

/**
 * /admin/dead-letters: settlement messages that were poison or exhausted their retries, newest
 * first with those not re-driven yet on top; each with its key and kind, the error, the attempts
 * and the body. "Re-drive" (`manage:payouts:any`) puts a still-valid message back on the
 * settlement queue once (see `redriveDeadLetter`).
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "adminFinance.deadLetters.title")} · ${translate(locale, "app.name")}` }];
};

const NO_STORE = { "Cache-Control": "private, no-store" };
/** The page itself (not only its data requests) holds money and account details: never cached. */
export const headers: HeadersFunction = () => NO_STORE;
const SCOPE = "adminFinance.errors";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(context, request, "read:finance:any");
  const [list, canRedrive] = await Promise.all([
    listDeadLetters(context),
    getAdminAccess(context, admin).then((access) => hasPermission(admin.roles, access, "manage:payouts:any")),
  ]);
  return data({ ...list, canRedrive, shownMax: DEAD_LETTERS_SHOWN, locale: resolveLocale(request) }, { headers: NO_STORE });
}

type FieldErrorMap = Record<string, string[] | undefined>;

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "manage:payouts:any");
  const form = Object.fromEntries(await request.formData());
  const deadLetterId = typeof form.deadLetterId === "string" ? form.deadLetterId : null;
  const parsed = v.safeParse(RedriveInput, form);
  if (!parsed.success) return data({ deadLetterId, errors: fieldErrors(parsed.issues) as FieldErrorMap, done: null }, { status: 400, headers: NO_STORE });
  const result = await redriveDeadLetter(context, { adminUserId: admin.id, deadLetterId: parsed.output.deadLetterId });
  if (!result.ok) {
    const code = result.error.code === "not_found" ? "dead_letter_not_found" : result.error.code;
    return data({ deadLetterId, errors: { deadLetterId: [code] } as FieldErrorMap, done: null }, { status: result.error.code === "not_found" ? 404 : 409, headers: NO_STORE });
  }
  return data({ deadLetterId, errors: null as FieldErrorMap | null, done: result.value }, { headers: NO_STORE });
}

export default function AdminDeadLetters() {
  const { t } = useTranslation();
  const { items, total, waiting, canRedrive, shownMax, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const strayErrors = actionData?.errors && !items.some((d) => d.id === actionData.deadLetterId) ? Object.values(actionData.errors).flatMap((e) => e ?? []) : null;
  return (
    <div className="max-w-6xl space-y-5">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("adminFinance.deadLetters.title")}</h1>
        <p className="text-sm text-muted">{t("adminFinance.deadLetters.intro")}</p>
      </header>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("adminFinance.deadLetters.done", { key: actionData.done.key })}
        </p>
      ) : null}
      {strayErrors?.length ? <FormErrors id="redrive-errors" errors={strayErrors} errorScope={SCOPE} /> : null}
      {canRedrive ? null : <p className="rounded-xl bg-surface p-3 text-sm text-muted">{t("adminFinance.deadLetters.readOnly")}</p>}

      {items.length === 0 ? (
        <p className="card text-muted">{t("adminFinance.deadLetters.empty")}</p>
      ) : (
        <>
          <p className="tabular text-sm text-muted">
            {t("adminFinance.deadLetters.summary", { count: total, waiting })}
            {total > items.length ? ` ${t("adminFinance.deadLetters.shown", { count: shownMax })}` : null}
          </p>
          <ol className="space-y-3">
            {items.map((d) => {
              const mine = actionData?.deadLetterId === d.id;
              const errors = mine ? Object.values(actionData?.errors ?? {}).flatMap((e) => e ?? []) : undefined;
              const label = d.key ?? d.messageId;
              return (
                <li key={d.id}>
                  <article className="card space-y-3" aria-labelledby={`dl-${d.id}`} data-dead-letter-id={d.id}>
                    <div className="flex flex-wrap items-start justify-between gap-2">
                      <div className="min-w-0">
                        <h2 id={`dl-${d.id}`} className="font-mono text-base font-semibold break-all">
                          {d.key ?? t("adminFinance.deadLetters.unknown")}
                        </h2>
                        <p className="text-sm text-muted">
                          {t("adminFinance.deadLetters.kind")}: <span className="font-mono">{d.kind ?? t("adminFinance.deadLetters.unknown")}</span>
                        </p>
                      </div>
                      {d.redrivenAt === null ? (
                        <span className="rounded-full bg-danger-50 px-2 py-0.5 text-xs font-semibold text-danger">{t("adminFinance.deadLetters.waitingBadge")}</span>
                      ) : (
                        <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-semibold text-brand-800">{t("adminFinance.deadLetters.redrivenBadge")}</span>
                      )}
                    </div>
                    <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1 text-sm">
                      <dt className="text-muted">{t("adminFinance.deadLetters.queue")}</dt>
                      <dd className="font-mono">{d.queue}</dd>
                      <dt className="text-muted">{t("adminFinance.deadLetters.messageId")}</dt>
                      <dd className="font-mono break-all">{d.messageId}</dd>
                      <dt className="text-muted">{t("adminFinance.deadLetters.error")}</dt>
                      <dd className="break-words text-danger">{d.error ?? t("adminFinance.none")}</dd>
                      <dt className="text-muted">{t("adminFinance.deadLetters.attempts")}</dt>
                      <dd className="tabular">{d.attempts}</dd>
                      <dt className="text-muted">{t("adminFinance.deadLetters.createdAt")}</dt>
                      <dd className="tabular">{formatDateTime(d.createdAt, locale)}</dd>
                      <dt className="text-muted">{t("adminFinance.deadLetters.redrivenAt")}</dt>
                      <dd className="tabular">{d.redrivenAt === null ? t("adminFinance.none") : formatDateTime(d.redrivenAt, locale)}</dd>
                    </dl>
                    <details>
                      <summary className="min-h-11 cursor-pointer py-2 text-sm font-medium text-brand-800">{t("adminFinance.deadLetters.body")}</summary>
                      <pre className="max-h-80 overflow-auto rounded-xl bg-surface p-3 font-mono text-xs whitespace-pre-wrap break-all">{d.body}</pre>
                    </details>
                    <FormErrors id={`dl-${d.id}-errors`} errors={errors} errorScope={SCOPE} />
                    {d.redrivenAt === null && canRedrive ? (
                      d.valid ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="redrive" />
                          <input type="hidden" name="deadLetterId" value={d.id} />
                          <button type="submit" className="btn-primary" disabled={busy} aria-label={t("adminFinance.deadLetters.redriveLabel", { key: label })}>
                            {t("adminFinance.deadLetters.redrive")}
                          </button>
                        </Form>
                      ) : (
                        <p className="text-sm text-muted">{t("adminFinance.deadLetters.invalid")}</p>
                      )
                    ) : null}
                  </article>
                </li>
              );
            })}
          </ol>
        </>
      )}
    </div>
  );
}
