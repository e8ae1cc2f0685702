import { getFormProps, getSelectProps, useForm } from "@conform-to/react";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getOptionalUser, requireUser } from "~/auth/guards.server";
import { GroupSharePanel } from "~/components/group-deals/share-panel";
import { TierLadder } from "~/components/group-deals/tier-ladder";
import { TimeLeft } from "~/components/group-deals/time-left";
import { useGroupLive } from "~/components/group-deals/use-group-live";
import { FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { readAttributionCookie } from "~/lib/attribution-cookie.server";
import { formatFen } from "~/lib/format";
import { randomBase32 } from "~/lib/ids";
import { resolveLocale } from "~/lib/preferences.server";
import { qrSvg } from "~/lib/qr.server";
import { getGroupView, joinGroup, type GroupView } from "~/modules/group-deals/groups.server";
import { JOIN_ERROR_STATUS, joinErrorReply, parseJoinForm, paymentRedirect } from "~/modules/group-deals/pages.server";
import { getGroupPageFacts } from "~/modules/group-deals/views.server";
import { attributedPath } from "~/modules/leaders/invite-code";
import { configuredProviders } from "~/modules/payments/providers";
import { getChosenPickupPointId } from "~/modules/pickup/choose.server";
import { isFeatureOn } from "~/modules/settings/settings.server";
import { getOrCreateShareCode, sharePath, sharerForOrder } from "~/modules/share/attribution.server";
import { absoluteUrl, shareCardMeta } from "~/modules/share/cards";

const GROUP_ID = /^grp_[0-9a-z]{20}$/;
const USER_ID = /^usr_[0-9a-z]{20}$/;

function groupIdFrom(params: { id?: string }): string {
  const id = params.id ?? "";
  if (!GROUP_ID.test(id)) throw new Response("Not Found", { status: 404 });
  return id;
}

export const meta: MetaFunction<typeof loader> = ({ data: loaded, matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  const app = translate(locale, "app.name");
  if (!loaded || loaded.off) return [{ title: `${translate(locale, "groupDeals.off.title")} · ${app}` }, { name: "robots", content: "noindex" }];
  const { view, origin } = loaded;
  const price = (size: number, fen: number) => translate(locale, "groupDeals.tierPrice", { size, price: formatFen(fen) });
  const first = view.tiers[0]!;
  const title = translate(locale, "groupDeals.meta.title", { tier: price(first.size, first.unitPriceFen), title: view.product.title });
  const description = translate(locale, "groupDeals.meta.description", { point: view.pointName, title: view.product.title, ladder: view.tiers.map((t) => price(t.size, t.unitPriceFen)).join(" → ") });
  return [
    { title: `${title} · ${app}` },
    { name: "description", content: description },
    // Share card: canonical URL without who invited or the sharer's code.
    ...shareCardMeta({ siteName: app, title, description, url: `${origin}/groups/${view.id}`, image: view.product.imageUrl ? absoluteUrl(origin, view.product.imageUrl) : null, imageAlt: view.product.title }),
  ];
};

/**
 * A group's page (拼团页): public like its share link. Shows the product, the tier ladder with the
 * tier reached and the next, the members, the time left, and a join form (or the viewer's own
 * membership, charge and refund). The share link carries `?from=<member>` (who invited) through
 * the pickup point leader's /r/<code> link (the leader's attribution), and a signed-in viewer's link goes through their /s/<share code> first (share rewards).
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = groupIdFrom(params);
  if (!(await isFeatureOn(context, "feature.group_deals"))) return data({ off: true as const }, { status: 404 });
  const locale = resolveLocale(request);
  const user = await getOptionalUser(context, request);
  const [view, facts, pointId] = await Promise.all([
    getGroupView(context, id, { userId: user?.id ?? null, locale }),
    getGroupPageFacts(context, id),
    user ? getChosenPickupPointId(context, user.id) : Promise.resolve(null),
  ]);
  if (!view || !facts) throw new Response("Not Found", { status: 404 });
  const url = new URL(request.url);
  const from = url.searchParams.get("from");
  const member = view.mine !== null && view.mine.status !== "left";
  // A member's own link says who invited; anyone else shares the plain page.
  const pagePath = `/groups/${id}${user && member ? `?from=${user.id}` : ""}`;
  const leaderPath = facts.inviteCode ? attributedPath(facts.inviteCode, pagePath) : pagePath;
  // A signed-in viewer's link also carries their share code (share rewards), in front of the point's leader link.
  const shareUrl = `${url.origin}${user ? sharePath(await getOrCreateShareCode(context, user.id), leaderPath) : leaderPath}`;
  const here = `/groups/${id}${from && USER_ID.test(from) ? `?from=${from}` : ""}`;
  return {
    off: false as const,
    view,
    perUserLimit: facts.perUserLimit,
    shareUrl,
    qr: qrSvg(shareUrl, 200),
    invitedBy: from && USER_ID.test(from) && from !== user?.id ? from : null,
    signedIn: user !== null,
    hasPoint: pointId !== null,
    here,
    providers: configuredProviders(context.env),
    idempotencyKey: randomBase32(24),
    origin: url.origin,
    now: Date.now(),
    locale,
  };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const groupId = groupIdFrom(params);
  const user = await requireUser(context, request);
  const submission = parseJoinForm(await request.formData());
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  if (!input.provider || !configuredProviders(context.env).includes(input.provider)) {
    return data({ result: submission.reply({ fieldErrors: { provider: ["provider_invalid"] } }) }, { status: 400 });
  }
  const joined = await joinGroup(context, user.id, {
    groupId,
    quantity: input.quantity,
    invitedBy: input.invitedBy ?? null,
    referralPointId: readAttributionCookie(request),
    sharerUserId: await sharerForOrder(context, request, user.id),
    idempotencyKey: input.idempotencyKey,
    locale: resolveLocale(request),
  });
  if (!joined.ok) return data({ result: submission.reply(joinErrorReply(joined.error.code)) }, { status: JOIN_ERROR_STATUS[joined.error.code] });
  throw redirect(await paymentRedirect(context, { userId: user.id, orderId: joined.value.orderId, provider: input.provider! }));
}

function Avatar({ name, url, dim }: { name: string; url: string | null; dim: boolean }) {
  return url ? (
    <img src={url} alt="" width={48} height={48} className={`size-12 rounded-full object-cover ${dim ? "opacity-50" : ""}`} />
  ) : (
    <span aria-hidden className={`flex size-12 items-center justify-center rounded-full text-lg font-bold ${dim ? "bg-surface text-muted" : "bg-brand-600 text-white"}`}>
      {[...name][0] ?? "?"}
    </span>
  );
}

function Members({ members, capacity }: { members: GroupView["members"]; capacity: number }) {
  const { t } = useTranslation();
  const empty = Math.max(0, capacity - members.length);
  return (
    <section className="card space-y-3" aria-labelledby="group-members-title">
      <h2 id="group-members-title" className="font-semibold">
        {t("groupDeals.group.members")}
      </h2>
      <ul className="flex flex-wrap gap-3" data-testid="group-members">
        {members.map((m, i) => (
          <li key={`${m.joinedAt}-${i}`} className="flex w-14 flex-col items-center gap-1 text-center">
            <Avatar name={m.name} url={m.avatarUrl} dim={!m.paid} />
            <span className="text-xs">{m.name}</span>
            {m.starter ? <span className="rounded-full bg-price px-1.5 text-[0.7rem] leading-5 font-semibold text-white">{t("groupDeals.group.starter")}</span> : null}
            {!m.paid ? <span className="text-[0.7rem] text-muted">{t("groupDeals.group.paying")}</span> : null}
          </li>
        ))}
        {Array.from({ length: empty }, (_, i) => (
          <li key={`empty-${i}`} className="flex w-14 flex-col items-center gap-1 text-center">
            <span aria-hidden className="flex size-12 items-center justify-center rounded-full border-2 border-dashed border-line text-lg text-muted">
              ?
            </span>
            <span className="text-xs text-muted">{t("groupDeals.group.emptySeat")}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The viewer's own membership: what they paid, and after the close their final charge and refund. */
function Mine({ mine, view }: { mine: NonNullable<GroupView["mine"]>; view: GroupView }) {
  const { t } = useTranslation();
  const refunds = (kind: string) => mine.refunds.filter((r) => r.kind === kind);
  const sum = (rs: Array<{ amountFen: number }>) => rs.reduce((s, r) => s + r.amountFen, 0);
  let message: string;
  if (mine.status === "left") message = t("groupDeals.mine.left");
  else if (mine.status === "pending") message = t("groupDeals.mine.pending");
  else if (view.status === "succeeded") {
    const diff = refunds("group_price_difference");
    const size = view.currentTier?.size ?? view.capacity;
    if (diff.length === 0) message = t("groupDeals.mine.succeededExact", { size });
    else if (diff.every((r) => r.status === "succeeded")) message = t("groupDeals.mine.succeeded", { size, amount: formatFen(sum(diff)) });
    else message = t("groupDeals.mine.succeededPending", { size, amount: formatFen(sum(diff)) });
  } else if (view.status === "failed") {
    const back = refunds("group_failed");
    const amount = formatFen(back.length ? sum(back) : mine.paidFen);
    message = back.length && back.every((r) => r.status === "succeeded") ? t("groupDeals.mine.failed", { amount }) : t("groupDeals.mine.failedPending", { amount });
  } else message = t("groupDeals.mine.paid", { amount: formatFen(mine.paidFen) });
  return (
    <section className="card space-y-2 border-2 border-brand-600" aria-labelledby="group-mine-title" data-testid="group-mine">
      <h2 id="group-mine-title" className="font-semibold">
        {t("groupDeals.mine.title")}
      </h2>
      <p className="font-medium">{message}</p>
      {mine.finalChargeFen !== null && view.status === "succeeded" ? <p className="tabular text-sm">{t("groupDeals.mine.finalCharge", { amount: formatFen(mine.finalChargeFen) })}</p> : null}
      <Link to={`/orders/${mine.orderId}`} className={`${mine.status === "pending" ? "btn-primary" : "btn-secondary"} min-h-12 w-full`}>
        {mine.status === "pending" ? t("groupDeals.mine.payNow") : t("groupDeals.mine.order")}
      </Link>
    </section>
  );
}

function JoinSection({ loaded }: { loaded: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { off: false }> }) {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { view, perUserLimit, providers, idempotencyKey, invitedBy, signedIn, hasPoint, here } = loaded;
  const first = view.tiers[0]!;
  const [form, fields] = useForm({
    id: "group-join",
    lastResult: actionData?.result,
    // Validated on the server (a select and radios leave little to check here).
    shouldValidate: "onSubmit",
    defaultValue: { quantity: "1", provider: providers[0] },
  });
  if (!signedIn) {
    return (
      <Link to={`/login?redirectTo=${encodeURIComponent(here)}`} className="btn-primary min-h-12 w-full">
        {t("groupDeals.join.signIn")}
      </Link>
    );
  }
  if (!hasPoint) {
    return (
      <Link to={`/pickup?returnTo=${encodeURIComponent(here)}`} className="btn-primary min-h-12 w-full">
        {t("groupDeals.join.choosePoint")}
      </Link>
    );
  }
  const options = Array.from({ length: Math.max(1, Math.min(perUserLimit, 99)) }, (_, i) => i + 1);
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3">
      <FormErrors id={form.errorId} errors={form.errors} errorScope="groupDeals.errors" />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {invitedBy ? <input type="hidden" name="invitedBy" value={invitedBy} /> : null}
      <div>
        <label htmlFor={fields.quantity.id} className="field-label">
          {t("groupDeals.join.quantity")}
        </label>
        <select
          {...getSelectProps(fields.quantity)}
          key={fields.quantity.key}
          className="field-input"
          aria-describedby={[fields.quantity.errors?.length ? fields.quantity.errorId : undefined, "group-join-limit"].filter(Boolean).join(" ")}
        >
          {options.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <p id="group-join-limit" className="mt-1 text-sm text-muted">
          {t("groupDeals.join.limit", { count: perUserLimit })}
        </p>
        <FieldErrors id={fields.quantity.errorId} errors={fields.quantity.errors} errorScope="groupDeals.errors" />
      </div>
      <fieldset className="space-y-2">
        <legend className="field-label">{t("groupDeals.join.payWith")}</legend>
        {providers.map((p, i) => (
          <label key={p} className="flex min-h-11 items-center gap-3 rounded-xl border border-line px-3">
            <input type="radio" name="provider" value={p} defaultChecked={i === 0} className="size-5" />
            <span>{t(`checkout.provider.${p}`)}</span>
          </label>
        ))}
        <FieldErrors id={fields.provider.errorId} errors={fields.provider.errors} />
      </fieldset>
      <p className="text-sm text-muted">{t("groupDeals.join.note", { price: formatFen(first.unitPriceFen) })}</p>
      <button type="submit" className="btn-primary min-h-12 w-full" disabled={navigation.state === "submitting"}>
        {t("groupDeals.join.submit", { price: formatFen(first.unitPriceFen) })}
      </button>
    </Form>
  );
}

function FeatureOff() {
  const { t } = useTranslation();
  return (
    <div className="space-y-3 p-4">
      <h1 className="text-2xl font-bold">{t("groupDeals.off.title")}</h1>
      <p className="card text-muted">{t("groupDeals.off.body")}</p>
      <Link to="/" className="btn-primary w-full">
        {t("groupDeals.off.home")}
      </Link>
    </div>
  );
}

export default function GroupPage() {
  const loaded = useLoaderData<typeof loader>();
  if (loaded.off) return <FeatureOff />;
  return <Group loaded={loaded} />;
}

function Group({ loaded }: { loaded: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { off: false }> }) {
  const { t } = useTranslation();
  const { view, shareUrl, qr, now } = loaded;
  const awaitingRefund = view.status !== "open" && (view.mine?.refunds.some((r) => r.status === "approved" || r.status === "processing") ?? false);
  const { snapshot, connected } = useGroupLive(view.id, { paid: view.paidCount, status: view.status, awaitingRefund });
  // While the page's data says open, the room's snapshot is the freshest word on the counts and
  // status; once the data says closed, it is the record.
  const live = snapshot && view.status === "open" ? snapshot : null;
  const status = live?.status ?? view.status;
  const paid = live ? live.paid : view.paidCount;
  const paying = live ? live.held : view.payingCount;
  const closed = status !== "open";
  const reachedSize = live?.reachedSize ?? view.currentTier?.size ?? null;
  const finalPrice = live?.finalUnitPriceFen ?? view.finalUnitPriceFen;
  const first = view.tiers[0]!;
  const canJoin = view.joinable && !closed && paid + paying < view.capacity;
  const full = !closed && paid + paying >= view.capacity;
  // A refusal (the group filled or closed meanwhile, no pickup point) is shown even when the form no longer is.
  const actionData = useActionData<typeof action>();
  const formShown = canJoin && loaded.signedIn && loaded.hasPoint;
  const refusals = !formShown && actionData ? Object.values(actionData.result.error ?? {}).flatMap((e) => e ?? []) : [];
  return (
    <div className="space-y-3 p-4 pb-8">
      <section className="card flex gap-3" aria-labelledby="group-title">
        {view.product.imageUrl ? (
          <img src={view.product.imageUrl} alt="" width={96} height={96} className="size-24 shrink-0 rounded-xl bg-brand-50 object-cover" />
        ) : (
          <span aria-hidden className="size-24 shrink-0 rounded-xl bg-brand-50" />
        )}
        <div className="min-w-0 space-y-1">
          <h1 id="group-title" className="text-lg leading-snug font-bold">
            <Link to={`/products/${view.product.id}`}>{view.product.title}</Link>
          </h1>
          <p className="text-sm text-muted">{view.product.spec}</p>
          <p className="flex items-baseline gap-2">
            <span className="tabular text-2xl font-bold text-price">{formatFen(finalPrice ?? view.currentTier?.unitPriceFen ?? first.unitPriceFen)}</span>
            <s className="tabular text-sm text-muted">{formatFen(view.product.listPriceFen)}</s>
          </p>
          <p className="text-xs text-muted">{t("groupDeals.group.point", { point: view.pointName })}</p>
        </div>
      </section>

      <section className="card space-y-3" aria-labelledby="group-progress-title">
        <div className="flex items-center justify-between gap-2">
          <h2 id="group-progress-title" className="font-semibold">
            <span
              className={`mr-2 rounded-full px-2 py-0.5 text-sm ${status === "succeeded" ? "bg-brand-600 text-white" : status === "failed" ? "bg-surface text-muted" : "bg-price text-white"}`}
              data-testid="group-status"
            >
              {t(`groupDeals.status.${status}`)}
            </span>
            <span className="tabular" aria-hidden data-testid="group-progress">
              {t("groupDeals.progress", { paid, capacity: view.capacity })}
            </span>
            <span className="sr-only">{t("groupDeals.progressLabel", { paid, capacity: view.capacity })}</span>
          </h2>
          {!closed ? (
            <p className="text-sm">
              <span className="text-muted">{t("groupDeals.timeLeft")} </span>
              <TimeLeft deadlineAt={view.deadlineAt} serverNow={now} className="font-semibold text-price" />
            </p>
          ) : null}
        </div>
        <TierLadder tiers={view.tiers} paid={paid} listPriceFen={view.product.listPriceFen} closed={closed} />
        <div aria-live="polite" className="space-y-1 text-sm" data-testid="group-live" data-connected={connected ? "true" : "false"}>
          <p>
            {t("groupDeals.joined", { count: paid })}
            {paying > 0 && !closed ? ` · ${t("groupDeals.paying", { count: paying })}` : ""}
          </p>
          {status === "closing" ? <p className="font-semibold">{t("groupDeals.group.closing")}</p> : null}
          {status === "succeeded" && reachedSize && finalPrice !== null ? (
            <p className="font-semibold text-brand-800" data-testid="group-outcome">
              {t("groupDeals.group.succeeded", { size: reachedSize, price: formatFen(finalPrice) })}
            </p>
          ) : null}
          {status === "failed" ? (
            <p className="font-semibold" data-testid="group-outcome">
              {t("groupDeals.group.failed")}
            </p>
          ) : null}
        </div>
        {view.leaderOnly ? <p className="text-sm text-muted">{t("groupDeals.group.leaderOnly", { point: view.pointName })}</p> : null}
        {connected && !closed ? (
          <p className="flex items-center gap-1.5 text-xs text-muted">
            <span aria-hidden className="size-2 rounded-full bg-brand-600" />
            {t("groupDeals.group.live")}
          </p>
        ) : null}
      </section>

      <FormErrors id="group-refusal" errors={refusals} errorScope="groupDeals.errors" />

      {view.mine ? <Mine mine={view.mine} view={view} /> : null}

      <Members members={view.members} capacity={view.capacity} />

      {canJoin ? (
        <section className="card space-y-3" aria-labelledby="group-join-title">
          <h2 id="group-join-title" className="font-semibold">
            {t("groupDeals.join.title")}
          </h2>
          <JoinSection loaded={loaded} />
        </section>
      ) : !view.mine || view.mine.status === "left" ? (
        <section className="card space-y-3">
          <p>{closed ? t("groupDeals.join.closed") : full ? t("groupDeals.join.full") : t("groupDeals.join.closed")}</p>
          <Link to={`/products/${view.product.id}`} className="btn-secondary min-h-12 w-full">
            {t("groupDeals.group.startOwn")}
          </Link>
        </section>
      ) : null}

      {!closed ? (
        <GroupSharePanel
          url={shareUrl}
          qrSvg={qr}
          title={t("groupDeals.group.title", { title: view.product.title })}
          text={t("groupDeals.share.text", { title: view.product.title, tier: t("groupDeals.tierPrice", { size: first.size, price: formatFen(first.unitPriceFen) }) })}
        />
      ) : null}
    </div>
  );
}
