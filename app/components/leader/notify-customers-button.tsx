import { Form, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import BellRing from "lucide-react/icons/bell-ring";
import { useTranslation } from "react-i18next";

export const NOTIFY_CUSTOMERS_ACTION = "/leader/notify-customers";
/** The search parameter the action answers with: how many customers were just told. */
export const NOTIFIED_PARAM = "notified";

/** Where the action sends the leader back to: a leader page (the one the button was on), never elsewhere. */
export function notifyReturnPath(value: FormDataEntryValue | null): string {
  if (typeof value !== "string" || !/^\/leader(\/[A-Za-z0-9/_-]*)?(\?[^#\\]*)?$/.test(value) || value.startsWith("//")) return "/leader";
  return value;
}

/**
 * "Tell customers to collect" for the leader's Today and Arrivals pages: how many customers wait
 * to be told (from the page's loader: `countCustomersToNotify`), one button that posts to
 * /leader/notify-customers, and the result once back (`?notified=N`). A plain form: works
 * before JavaScript loads.
 */
export function NotifyCustomersButton({ waiting }: { waiting: { customers: number; orders: number } }) {
  const { t } = useTranslation();
  const location = useLocation();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formAction === NOTIFY_CUSTOMERS_ACTION;
  const told = params.get(NOTIFIED_PARAM);
  const toldCount = told !== null && /^\d{1,6}$/.test(told) ? Number(told) : null;
  const back = new URLSearchParams(location.search);
  back.delete(NOTIFIED_PARAM);
  const redirectTo = location.pathname + (back.size ? `?${back}` : "");
  return (
    <section className="card space-y-3" aria-labelledby="notify-customers-title">
      <h2 id="notify-customers-title" className="flex items-center gap-2 text-lg font-semibold">
        <BellRing aria-hidden className="size-5 text-brand-700" />
        {t("notices.notifyCustomers.title")}
      </h2>
      {toldCount !== null ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {toldCount > 0 ? t("notices.notifyCustomers.sent", { count: toldCount }) : t("notices.notifyCustomers.sentNone")}
        </p>
      ) : null}
      <p className="text-sm text-muted tabular" data-testid="notify-waiting">
        {waiting.customers > 0 ? t("notices.notifyCustomers.waiting", { count: waiting.customers }) : t("notices.notifyCustomers.none")}
      </p>
      <Form method="post" action={NOTIFY_CUSTOMERS_ACTION} replace>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <button type="submit" className="btn-primary min-h-12 w-full text-lg" disabled={busy || waiting.customers === 0}>
          {busy ? t("notices.notifyCustomers.working") : t("notices.notifyCustomers.button")}
        </button>
      </Form>
    </section>
  );
}
