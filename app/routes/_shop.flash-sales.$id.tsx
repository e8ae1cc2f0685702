import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { getOptionalUser, requireUser } from "~/auth/guards.server";
import { Countdown, formatSaleTime, SaleTimer } from "~/components/flash-sales/countdown";
import { EarlyAccess, FlashErrors } from "~/components/flash-sales/errors";
import { StockBar } from "~/components/flash-sales/stock-bar";
import { translate } from "~/i18n/i18n";
import { readAttributionCookie } from "~/lib/attribution-cookie.server";
import { formatFen } from "~/lib/format";
import { randomBase32 } from "~/lib/ids";
import { resolveLocale } from "~/lib/preferences.server";
import { myFlashOrders, parseFlashSaleForm, RESERVE_ERROR_STATUS, reserveErrorReply, SALE_ID } from "~/modules/flash-sales/pages.server";
import { addFlashReminder, hasFlashReminder, removeFlashReminder } from "~/modules/flash-sales/reminders.server";
import { getFlashSale, reserveFlashSale } from "~/modules/flash-sales/sales.server";
import { paymentRedirect } from "~/modules/group-deals/pages.server";
import { configuredProviders } from "~/modules/payments/providers";
import { getChosenPickupPointId } from "~/modules/pickup/choose.server";
import { isFeatureOn } from "~/modules/settings/settings.server";

function saleIdFrom(params: { id?: string }): string {
  const id = params.id ?? "";
  if (!SALE_ID.test(id)) throw new Response("Not Found", { status: 404 });
  return id;
}

export const meta: MetaFunction<typeof loader> = ({ data: loaded, matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  const app = translate(locale, "app.name");
  if (!loaded || loaded.off) return [{ title: `${translate(locale, "flashSales.off.title")} · ${app}` }, { name: "robots", content: "noindex" }];
  return [{ title: `${translate(locale, "flashSales.meta.title", { price: formatFen(loaded.sale.flashPriceFen), title: loaded.sale.title })} · ${app}` }];
};

/**
 * A flash sale's page (限时抢购): the product, the flash price against the list price, how much is
 * gone, the per-person limit, and by state: a countdown to the viewer's own opening time (early
 * access by membership level) with "notify me"; while live a countdown to the end and the buy
 * form (a reservation becomes an order at the flash price, paid at the cashier within the
 * reservation's timeout); sold out; ended. The loader sends `serverNow` so the countdowns follow
 * the server's clock; before JavaScript the page shows absolute times.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = saleIdFrom(params);
  if (!(await isFeatureOn(context, "feature.flash_sales"))) return data({ off: true as const }, { status: 404 });
  const locale = resolveLocale(request);
  const user = await getOptionalUser(context, request);
  const now = Date.now();
  const [sale, pointId, reminded, mine] = await Promise.all([
    getFlashSale(context, id, { userId: user?.id ?? null, locale }, now),
    user ? getChosenPickupPointId(context, user.id) : Promise.resolve(null),
    user ? hasFlashReminder(context, user.id, id) : Promise.resolve(false),
    user ? myFlashOrders(context, user.id, id) : Promise.resolve([]),
  ]);
  if (!sale || sale.title === "") throw new Response("Not Found", { status: 404 });
  return {
    off: false as const,
    sale,
    signedIn: user !== null,
    hasPoint: pointId !== null,
    reminded,
    pending: mine.find((o) => o.status === "pending_payment" && o.payBy > now) ?? null,
    providers: configuredProviders(context.env),
    idempotencyKey: randomBase32(24),
    locale,
  };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const saleId = saleIdFrom(params);
  const user = await requireUser(context, request);
  const submission = parseFlashSaleForm(await request.formData());
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  if (input.intent !== "buy") {
    if (!(await isFeatureOn(context, "feature.flash_sales"))) return data({ result: submission.reply({ formErrors: ["feature_off"] }) }, { status: 403 });
    if (input.intent === "unremind") await removeFlashReminder(context, user.id, saleId);
    else {
      const added = await addFlashReminder(context, user.id, saleId);
      if (!added.ok) return data({ result: submission.reply({ formErrors: [added.code] }) }, { status: added.code === "sale_not_found" ? 404 : 409 });
    }
    throw redirect(`/flash-sales/${saleId}`);
  }
  if (!configuredProviders(context.env).includes(input.provider)) return data({ result: submission.reply({ fieldErrors: { provider: ["provider_invalid"] } }) }, { status: 400 });
  const reserved = await reserveFlashSale(context, user.id, {
    saleId,
    quantity: input.quantity,
    idempotencyKey: input.idempotencyKey,
    locale: resolveLocale(request),
    referralPointId: readAttributionCookie(request) ?? undefined,
  });
  if (!reserved.ok) {
    const status = RESERVE_ERROR_STATUS[reserved.error.code];
    return data({ result: submission.reply(reserveErrorReply(reserved.error.code)) }, { status, headers: status === 503 ? { "Retry-After": "1" } : undefined });
  }
  throw redirect(await paymentRedirect(context, { userId: user.id, orderId: reserved.value.orderId, provider: input.provider }));
}

type Loaded = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { off: false }>;

function FeatureOff() {
  const { t } = useTranslation();
  return (
    <div className="space-y-3 p-4">
      <h1 className="text-2xl font-bold">{t("flashSales.off.title")}</h1>
      <p className="card text-muted">{t("flashSales.off.body")}</p>
      <Link to="/" className="btn-primary w-full">
        {t("flashSales.off.home")}
      </Link>
    </div>
  );
}

export default function FlashSalePage() {
  const loaded = useLoaderData<typeof loader>();
  if (loaded.off) return <FeatureOff />;
  return <Sale loaded={loaded} />;
}

/** The buy form: how many (up to the limit) and how to pay; the page's key makes a double submit one reservation. */
function BuyForm({ loaded, quantityErrors }: { loaded: Loaded; quantityErrors: string[] }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const actionData = useActionData<typeof action>();
  const { sale, providers, idempotencyKey } = loaded;
  const providerErrors = actionData?.result.error?.provider;
  return (
    <Form method="post" className="space-y-3" aria-labelledby="flash-buy-title">
      <input type="hidden" name="intent" value="buy" />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <div>
        <label htmlFor="flash-quantity" className="field-label">
          {t("flashSales.buy.quantity")}
        </label>
        <select
          id="flash-quantity"
          name="quantity"
          defaultValue="1"
          className="field-input"
          aria-invalid={quantityErrors.length ? true : undefined}
          aria-describedby={["flash-limit", quantityErrors.length ? "flash-quantity-errors" : ""].filter(Boolean).join(" ")}
        >
          {Array.from({ length: Math.max(1, Math.min(sale.perUserLimit, 99)) }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <p id="flash-limit" className="mt-1 text-sm text-muted">
          {t("flashSales.limit", { count: sale.perUserLimit })}
        </p>
        <FlashErrors id="flash-quantity-errors" errors={quantityErrors} field />
      </div>
      <fieldset className="space-y-2">
        <legend className="field-label">{t("flashSales.buy.payWith")}</legend>
        {providers.map((p, i) => (
          <label key={p} className="flex min-h-11 items-center gap-3 rounded-xl border border-line px-3">
            <input type="radio" name="provider" value={p} defaultChecked={i === 0} className="size-5" />
            <span>{t(`checkout.provider.${p}`)}</span>
          </label>
        ))}
        <FlashErrors id="flash-provider-errors" errors={providerErrors} field />
      </fieldset>
      <p className="text-sm text-muted">{t("flashSales.buy.note", { minutes: Math.max(1, Math.round(sale.paymentTimeoutSeconds / 60)) })}</p>
      <button type="submit" className="btn min-h-12 w-full bg-price text-white" disabled={navigation.state === "submitting" || providers.length === 0}>
        {t("flashSales.buy.submit", { price: formatFen(sale.flashPriceFen) })}
      </button>
    </Form>
  );
}

/** "Notify me" on an upcoming sale: sign up, or see that you are and withdraw. */
function Reminder({ loaded }: { loaded: Loaded }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const here = `/flash-sales/${loaded.sale.id}`;
  if (!loaded.signedIn) {
    return (
      <Link to={`/login?redirectTo=${encodeURIComponent(here)}`} className="btn-secondary min-h-12 w-full">
        {t("flashSales.remind.signIn")}
      </Link>
    );
  }
  return (
    <Form method="post" className="space-y-2" data-testid="flash-reminder">
      <input type="hidden" name="intent" value={loaded.reminded ? "unremind" : "remind"} />
      {loaded.reminded ? (
        <p className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800" role="status">
          {t("flashSales.remind.on")}
        </p>
      ) : (
        <p className="text-sm text-muted">{t("flashSales.remind.hint")}</p>
      )}
      <button type="submit" className={`${loaded.reminded ? "btn-secondary" : "btn-primary"} min-h-12 w-full`} disabled={navigation.state === "submitting"}>
        {loaded.reminded ? t("flashSales.remind.off") : t("flashSales.remind.button")}
      </button>
    </Form>
  );
}

function Sale({ loaded }: { loaded: Loaded }) {
  const { t } = useTranslation();
  const { sale, signedIn, hasPoint, pending } = loaded;
  const actionData = useActionData<typeof action>();
  const revalidator = useRevalidator();
  // The countdown reached the opening or the end: the page's state comes from the server again.
  const refresh = useCallback(() => {
    if (revalidator.state === "idle") revalidator.revalidate();
  }, [revalidator]);
  const here = `/flash-sales/${sale.id}`;
  const live = sale.phase === "live";
  const formShown = live && signedIn && hasPoint;
  const errors = actionData?.result.error ?? {};
  const quantityErrors = formShown ? (errors.quantity ?? []) : [];
  // A refusal is said at the top (the quantity's under its field while the form is there).
  const refusals = Object.entries(errors)
    .filter(([field]) => field !== "provider" && !(formShown && field === "quantity"))
    .flatMap(([, e]) => e ?? []);
  const timeText = (at: number) => formatSaleTime(at, t);
  return (
    <div className="space-y-3 p-4 pb-8">
      <section className="card flex gap-3" aria-labelledby="flash-title">
        {sale.imageUrl ? (
          <img src={sale.imageUrl} alt="" width={112} height={112} className="size-28 shrink-0 rounded-xl bg-brand-50 object-cover" />
        ) : (
          <span aria-hidden className="size-28 shrink-0 rounded-xl bg-brand-50" />
        )}
        <div className="min-w-0 space-y-1">
          <h1 id="flash-title" className="text-lg leading-snug font-bold">
            <Link to={`/products/${sale.productId}`}>{sale.title}</Link>
          </h1>
          <p className="text-sm text-muted">{sale.spec}</p>
          <p className="flex flex-wrap items-baseline gap-2">
            <span className="tabular text-2xl font-bold text-price" data-testid="flash-price">
              {formatFen(sale.flashPriceFen)}
            </span>
            <s className="tabular text-sm text-muted" aria-label={t("flashSales.listPrice", { price: formatFen(sale.listPriceFen) })}>
              {formatFen(sale.listPriceFen)}
            </s>
          </p>
          <p className="text-sm">{t("flashSales.limit", { count: sale.perUserLimit })}</p>
        </div>
      </section>

      <section className="card space-y-3" aria-labelledby="flash-state-title">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="flash-state-title" className="font-semibold">
            <span className={`rounded-full px-2 py-0.5 text-sm ${live ? "bg-price text-white" : sale.phase === "upcoming" ? "bg-price-50 text-price" : "bg-surface text-muted"}`} data-testid="flash-phase">
              {t(`flashSales.phase.${sale.phase}`)}
            </span>
          </h2>
          {sale.phase !== "ended" ? <SaleTimer opensAt={sale.opensAt} endsAt={sale.endsAt} phase={sale.phase} serverNow={sale.serverNow} onStale={refresh} className="font-semibold text-price" /> : null}
        </div>
        <p className="tabular text-sm text-muted">{t("flashSales.window", { from: timeText(sale.startsAt), to: timeText(sale.endsAt) })}</p>
        <EarlyAccess minutes={sale.earlyAccessMinutes} level={signedIn ? sale.level : undefined} />
        <StockBar counts={sale.counts} />
        {sale.phase === "sold_out" ? <p className="text-sm">{t("flashSales.soldOut")}</p> : null}
        {sale.phase === "ended" ? <p className="text-sm">{t("flashSales.endedNote")}</p> : null}
      </section>

      <FlashErrors id="flash-refusal" errors={refusals} />

      {pending ? (
        <section className="card space-y-2 border-2 border-price" data-testid="flash-pending">
          <p className="font-medium">{t("flashSales.mine.pending", { time: timeText(pending.payBy) })}</p>
          <p className="text-sm text-price">
            <Countdown to={pending.payBy} serverNow={sale.serverNow} render={(left, over) => (left === null ? null : over ? t("flashSales.order.expired") : t("flashSales.order.payWithin", { time: left }))} />
          </p>
          <Link to={`/orders/${pending.id}`} className="btn min-h-12 w-full bg-price text-white">
            {t("flashSales.mine.pay")}
          </Link>
        </section>
      ) : null}

      {live ? (
        <section className="card space-y-3" aria-labelledby="flash-buy-title">
          <h2 id="flash-buy-title" className="font-semibold">
            {t("flashSales.buy.title")}
          </h2>
          {!signedIn ? (
            <Link to={`/login?redirectTo=${encodeURIComponent(here)}`} className="btn-primary min-h-12 w-full">
              {t("flashSales.buy.signIn")}
            </Link>
          ) : !hasPoint ? (
            <Link to={`/pickup?returnTo=${encodeURIComponent(here)}`} className="btn-primary min-h-12 w-full">
              {t("flashSales.buy.choosePoint")}
            </Link>
          ) : (
            <BuyForm loaded={loaded} quantityErrors={quantityErrors} />
          )}
        </section>
      ) : null}

      {sale.phase === "upcoming" && sale.serverNow < sale.startsAt ? (
        <section className="card space-y-3">
          <Reminder loaded={loaded} />
        </section>
      ) : null}

      {sale.phase === "ended" || sale.phase === "sold_out" ? (
        <Link to="/flash-sales" className="btn-secondary min-h-12 w-full">
          {t("flashSales.home.all")}
        </Link>
      ) : null}
    </div>
  );
}
