import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import Heart from "lucide-react/icons/heart";
import Store from "lucide-react/icons/store";
import Users from "lucide-react/icons/users";
import Zap from "lucide-react/icons/zap";
import { useTranslation } from "react-i18next";
import { getOptionalUser, requireUser } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { isFavourite } from "~/modules/account/favourites.server";
import { SaleTimer } from "~/components/flash-sales/countdown";
import { StockBar } from "~/components/flash-sales/stock-bar";
import { OpenGroupList } from "~/components/group-deals/open-groups";
import { TierLadder } from "~/components/group-deals/tier-ladder";
import { AddToCartForm } from "~/components/shop/add-to-cart";
import { GroupErrors } from "~/components/group-deals/errors";
import { readAttributionCookie } from "~/lib/attribution-cookie.server";
import { formatFen } from "~/lib/format";
import { randomBase32 } from "~/lib/ids";
import { readPickupCookie } from "~/lib/pickup-cookie.server";
import { resolveLocale } from "~/lib/preferences.server";
import { imageSrcSet } from "~/modules/catalog/images";
import { getProductDetail } from "~/modules/catalog/product-detail.server";
import { getProductFlashSale } from "~/modules/flash-sales/pages.server";
import { getLiveCampaignForProduct, listOpenGroups, startGroup } from "~/modules/group-deals/groups.server";
import { JOIN_ERROR_STATUS, joinErrorReply, parseStartGroupForm, paymentRedirect } from "~/modules/group-deals/pages.server";
import { configuredProviders } from "~/modules/payments/providers";
import { getChosenPickupPointId } from "~/modules/pickup/choose.server";
import { isFeatureOn } from "~/modules/settings/settings.server";
import { ProductReviews } from "~/components/reviews/review-summary";
import { getProductReviewSummary } from "~/modules/reviews/reviews.server";
import { ShareButton } from "~/components/share/share-button";
import { absoluteUrl, shareCardMeta } from "~/modules/share/cards";
import { sharerForOrder } from "~/modules/share/attribution.server";

const START_FORM_ID = "group-start";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  if (!data) return [{ title: translate(locale, "errors.notFound.title") }];
  const prices = data.product.skus.map((s) => s.priceFen);
  const price = formatFen(Math.min(...prices));
  const app = translate(locale, "app.name");
  // Share card (Open Graph / Twitter): the price a friend sees in the chat preview, "¥12.80 起" when specs differ, or the group tier.
  const from = new Set(prices).size > 1 ? translate(locale, "share.card.from", { price }) : price;
  const tier = data.groupDeal?.campaign.tiers[0];
  const priceText = tier ? translate(locale, "share.card.group", { tier: translate(locale, "groupDeals.tierPrice", { size: tier.size, price: formatFen(tier.unitPriceFen) }), price: from }) : from;
  const image = data.product.images[0]?.url;
  return [
    { title: `${data.product.title} ${price} · ${app}` },
    { name: "description", content: `${data.product.title} · ${price} · ${data.product.merchant.name}` },
    ...shareCardMeta({
      siteName: app,
      type: "product",
      title: `${data.product.title} ${priceText}`,
      description: translate(locale, "share.card.description", { price: priceText, merchant: data.product.merchant.name, app }),
      url: `${data.origin}/products/${data.product.id}`,
      image: image ? absoluteUrl(data.origin, image) : null,
      imageAlt: data.product.title,
    }),
  ];
};

/**
 * The product page. Anonymous visitors may get it from the edge cache, so what it shows them
 * depends only on the product, the language and the pickup point cookie (all in the cache key):
 * a live group-deal campaign's tiers and the open groups of that point are the same for everyone
 * there, and so is the flash block (an ordinary member's opening time, absolute times in the HTML).
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  if (!/^prd_[0-9a-z]{20}$/.test(id)) throw new Response("Not Found", { status: 404 });
  const locale = resolveLocale(request);
  const reviews = getProductReviewSummary(context, id);
  const [product, user, groupsOn, flashSale] = await Promise.all([
    getProductDetail(context, id, locale),
    getOptionalUser(context, request),
    isFeatureOn(context, "feature.group_deals"),
    getProductFlashSale(context, id, locale),
  ]);
  if (!product) throw new Response("Not Found", { status: 404 });
  const campaign = groupsOn ? await getLiveCampaignForProduct(context, id) : null;
  const pointId = campaign ? await getChosenPickupPointId(context, user?.id ?? null, readPickupCookie(request)) : null;
  const groups = campaign ? await listOpenGroups(context, { productId: id, pickupPointId: pointId, limit: 5 }) : [];
  return {
    product,
    reviews: await reviews,
    // The share card's absolute URLs (the same for every visitor of this host, so the page stays cacheable).
    origin: new URL(request.url).origin,
    favourite: user ? await isFavourite(context, user.id, id) : false,
    signedIn: user !== null,
    flashSale,
    groupDeal: campaign
      ? {
          campaign: { id: campaign.id, skuId: campaign.skuId, tiers: campaign.tiers, perUserLimit: campaign.perUserLimit },
          groups: groups.map((g) => ({ id: g.id, capacity: g.capacity, paidCount: g.paidCount, deadlineAt: g.deadlineAt, starterName: g.starterName, starterAvatar: g.starterAvatar, next: g.next })),
          // Only a signed-in page (never cached) carries a key and a provider to post with.
          start: user ? { provider: configuredProviders(context.env)[0] ?? null, idempotencyKey: randomBase32(24) } : null,
          now: Date.now(),
        }
      : null,
  };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const id = params.id ?? "";
  if (!/^prd_[0-9a-z]{20}$/.test(id)) throw new Response("Not Found", { status: 404 });
  const user = await requireUser(context, request);
  const submission = parseStartGroupForm(await request.formData());
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  if (!configuredProviders(context.env).includes(input.provider)) return data({ result: submission.reply({ formErrors: ["provider_invalid"] }) }, { status: 400 });
  const campaign = await getLiveCampaignForProduct(context, id);
  if (campaign && campaign.id !== input.campaignId) return data({ result: submission.reply({ formErrors: ["campaign_not_live"] }) }, { status: 409 });
  const started = await startGroup(context, user.id, {
    campaignId: input.campaignId,
    quantity: input.quantity,
    referralPointId: readAttributionCookie(request),
    sharerUserId: await sharerForOrder(context, request, user.id),
    idempotencyKey: input.idempotencyKey,
    locale: resolveLocale(request),
  });
  if (!started.ok) return data({ result: submission.reply(joinErrorReply(started.error.code)) }, { status: JOIN_ERROR_STATUS[started.error.code] });
  throw redirect(await paymentRedirect(context, { userId: user.id, orderId: started.value.orderId, provider: input.provider }));
}

type ProductData = ReturnType<typeof useLoaderData<typeof loader>>;

/** The group-deal block: the tier ladder, the open groups to join, and the quantity of a new group. */
function GroupDealSection({ groupDeal, listPriceFen }: { groupDeal: NonNullable<ProductData["groupDeal"]>; listPriceFen: number }) {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.result.error;
  const { campaign, groups, now } = groupDeal;
  return (
    <section className="card mx-4 space-y-3" aria-labelledby="group-deal-title" data-testid="product-group-deal">
      <h2 id="group-deal-title" className="flex items-center gap-2 font-semibold">
        <Users aria-hidden className="size-5 text-price" />
        {t("groupDeals.product.title")}
      </h2>
      <p className="text-sm text-muted">{t("groupDeals.ladder.hint")}</p>
      <TierLadder tiers={campaign.tiers} listPriceFen={listPriceFen} />
      <GroupErrors id="group-start-errors" errors={errors?.[""]} />
      {groupDeal.start && campaign.perUserLimit > 1 ? (
        <div>
          <label htmlFor="group-start-quantity" className="field-label">
            {t("groupDeals.product.quantity")}
          </label>
          <select
            id="group-start-quantity"
            name="quantity"
            form={START_FORM_ID}
            defaultValue="1"
            className="field-input"
            aria-invalid={errors?.quantity ? true : undefined}
            aria-describedby={["group-start-limit", errors?.quantity ? "group-start-quantity-errors" : ""].filter(Boolean).join(" ")}
          >
            {Array.from({ length: Math.min(campaign.perUserLimit, 99) }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <p id="group-start-limit" className="mt-1 text-sm text-muted">
            {t("groupDeals.join.limit", { count: campaign.perUserLimit })}
          </p>
          <GroupErrors id="group-start-quantity-errors" errors={errors?.quantity} field />
        </div>
      ) : null}
      <h3 className="text-sm font-semibold">{t("groupDeals.product.openGroups")}</h3>
      {groups.length ? <OpenGroupList groups={groups} serverNow={now} /> : <p className="text-sm text-muted">{t("groupDeals.product.none")}</p>}
    </section>
  );
}

/**
 * The flash block (限时抢购): the product's sale on now or next, its price, countdown and how much is
 * gone, and the way to the sale's page (where the buying happens). Public: no server time baked in,
 * the countdown runs on the device's clock.
 */
function FlashSaleSection({ sale }: { sale: NonNullable<ProductData["flashSale"]> }) {
  const { t } = useTranslation();
  return (
    <section className="card mx-4 space-y-2 border-2 border-price" aria-labelledby="flash-block-title" data-testid="product-flash">
      <h2 id="flash-block-title" className="flex items-center gap-2 font-semibold">
        <Zap aria-hidden className="size-5 text-price" />
        {t("flashSales.title")}
        <span className="ml-auto rounded-full bg-price-50 px-2 text-xs leading-6 text-price">{t(`flashSales.phase.${sale.phase}`)}</span>
      </h2>
      <p className="flex items-baseline gap-2">
        <span className="tabular text-2xl font-bold text-price">{formatFen(sale.flashPriceFen)}</span>
        <s className="tabular text-sm text-muted" aria-label={t("flashSales.listPrice", { price: formatFen(sale.listPriceFen) })}>
          {formatFen(sale.listPriceFen)}
        </s>
        <span className="ml-auto text-sm text-muted">{t("flashSales.limit", { count: sale.perUserLimit })}</span>
      </p>
      <SaleTimer opensAt={sale.opensAt} endsAt={sale.endsAt} phase={sale.phase} className="block text-sm font-semibold text-price" />
      <StockBar counts={sale.counts} />
      <Link to={`/flash-sales/${sale.id}`} className="btn min-h-12 w-full bg-price text-white">
        {sale.phase === "live" ? t("flashSales.product.go") : t("flashSales.product.preview")}
      </Link>
    </section>
  );
}

/** The sticky bar above the tab bar: buy alone (to the specs and their add buttons) or start a group. */
function GroupDealBar({ groupDeal, productId, aloneFen }: { groupDeal: NonNullable<ProductData["groupDeal"]>; productId: string; aloneFen: number }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const first = groupDeal.campaign.tiers[0]!;
  const start = groupDeal.start;
  return (
    <div className="fixed inset-x-0 bottom-[calc(3.5rem+env(safe-area-inset-bottom))] z-40 border-t border-line bg-white p-3">
      <div className="mx-auto flex max-w-[28rem] items-center gap-2">
        <a href="#specs-title" className="btn-secondary min-h-12 flex-1 px-3 text-sm">
          {t("groupDeals.product.buyAlone", { price: formatFen(aloneFen) })}
        </a>
        {start ? (
          <Form method="post" id={START_FORM_ID} className="flex-1">
            <input type="hidden" name="intent" value="start-group" />
            <input type="hidden" name="campaignId" value={groupDeal.campaign.id} />
            {groupDeal.campaign.perUserLimit > 1 ? null : <input type="hidden" name="quantity" value="1" />}
            <input type="hidden" name="provider" value={start.provider ?? ""} />
            <input type="hidden" name="idempotencyKey" value={start.idempotencyKey} />
            <button type="submit" className="btn min-h-12 w-full bg-price px-3 text-white" disabled={!start.provider || navigation.state === "submitting"}>
              {t("groupDeals.product.start", { price: formatFen(first.unitPriceFen) })}
            </button>
          </Form>
        ) : (
          <Link to={`/login?redirectTo=${encodeURIComponent(`/products/${productId}`)}`} className="btn min-h-12 flex-1 bg-price px-3 text-sm text-white">
            {t("groupDeals.product.signIn")}
          </Link>
        )}
      </div>
    </div>
  );
}

export default function ProductPage() {
  const { t, i18n } = useTranslation();
  const { product, favourite, signedIn, groupDeal, flashSale, reviews } = useLoaderData<typeof loader>();
  const cheapest = product.skus.reduce((a, b) => (b.priceFen < a.priceFen ? b : a));
  const groupSku = groupDeal ? product.skus.find((s) => s.id === groupDeal.campaign.skuId) : undefined;
  // A refused start is said at the top when the group-deal block is gone (the feature was switched off meanwhile).
  const actionData = useActionData<typeof action>();
  const orphanErrors = !groupDeal && actionData ? Object.values(actionData.result.error ?? {}).flatMap((e) => e ?? []) : [];
  return (
    <article className={`space-y-3 ${groupDeal ? "pb-24" : "pb-4"}`}>
      {orphanErrors.length ? (
        <div className="mx-4 mt-3">
          <GroupErrors id="group-start-refused" errors={orphanErrors} />
        </div>
      ) : null}
      <div className="flex snap-x snap-mandatory overflow-x-auto bg-white" aria-label={t("product.images")}>
        {product.images.map((img, i) => (
          <img
            key={img.url}
            src={img.url}
            srcSet={imageSrcSet(img.url, img.widths, img.width)}
            sizes="(max-width: 30rem) 100vw, 480px"
            alt={i === 0 ? product.title : ""}
            width={img.width ?? 480}
            height={img.height ?? 480}
            // The first picture is the page's largest paint: fetched first, decoded with the frame.
            {...(i === 0 ? { loading: "eager", fetchpriority: "high" } : { loading: "lazy", decoding: "async" })}
            className="aspect-square w-full shrink-0 snap-center object-cover"
          />
        ))}
      </div>
      <section className="card mx-4 space-y-2" aria-labelledby="product-title">
        <p className="flex items-baseline gap-2">
          <span className="tabular text-3xl font-bold text-price">{formatFen(cheapest.priceFen)}</span>
          {cheapest.wasPriceFen !== null ? (
            <s className="tabular text-sm text-muted" aria-label={t("product.wasPrice", { price: formatFen(cheapest.wasPriceFen) })}>
              {formatFen(cheapest.wasPriceFen)}
            </s>
          ) : null}
          <span className="ml-auto text-sm text-muted">{t("shop.sold", { count: product.soldCount })}</span>
        </p>
        {product.memberPrices.length ? (
          <ul className="flex flex-wrap gap-2" aria-label={t("me.exclusive")}>
            {product.memberPrices.map((m) => (
              <li key={m.level} className="rounded-full bg-amber-50 px-3 py-1 text-sm text-amber-900">
                {t("me.memberPrice", { level: t(`me.level.${m.level}`), price: formatFen(m.priceFen) })}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="flex items-start justify-between gap-2">
          <h1 id="product-title" className="text-lg font-semibold">
            {product.title}
          </h1>
          {signedIn ? (
            <Form method="post" action="/me/favourites">
              <input type="hidden" name="intent" value={favourite ? "remove" : "add"} />
              <input type="hidden" name="productId" value={product.id} />
              <input type="hidden" name="returnTo" value={`/products/${product.id}`} />
              <button type="submit" className="flex size-11 items-center justify-center rounded-full border border-line" aria-pressed={favourite} aria-label={t("favourites.toggle")}>
                <Heart aria-hidden className={`size-5 ${favourite ? "fill-price text-price" : ""}`} />
              </button>
            </Form>
          ) : (
            <Link to={`/login?redirectTo=${encodeURIComponent(`/products/${product.id}`)}`} className="flex size-11 items-center justify-center rounded-full border border-line" aria-label={t("favourites.signIn")}>
              <Heart aria-hidden className="size-5" />
            </Link>
          )}
        </div>
        {cheapest.wasPriceFen !== null ? <p className="text-xs text-muted">{t("product.wasPriceNote")}</p> : null}
        <p className="text-sm text-brand-800">{t("product.pickupTomorrow")}</p>
        <ShareButton productId={product.id} />
      </section>
      {flashSale ? <FlashSaleSection sale={flashSale} /> : null}
      {groupDeal ? <GroupDealSection groupDeal={groupDeal} listPriceFen={groupSku?.priceFen ?? cheapest.priceFen} /> : null}
      <section className="card mx-4" aria-labelledby="specs-title">
        <h2 id="specs-title" className="mb-2 font-semibold">
          {t("product.specs")}
        </h2>
        <ul className="space-y-2">
          {product.skus.map((s) => (
            <li key={s.id} className="flex items-center justify-between rounded-xl border border-line px-3 py-2">
              <span>{s.spec}</span>
              <span className="flex items-center gap-2">
                <span className="tabular font-semibold text-price">{formatFen(s.priceFen)}</span>
                {s.wasPriceFen !== null ? <s className="tabular text-xs text-muted">{formatFen(s.wasPriceFen)}</s> : null}
                <span className={`text-xs ${s.inStock ? "text-muted" : "text-danger"}`}>
                  {s.inStock ? (s.stock <= 10 ? t("product.fewLeft", { count: s.stock }) : t("product.inStock")) : t("shop.soldOut")}
                </span>
                <AddToCartForm skuId={s.id} returnTo={`/products/${product.id}`} label={t("cart.addLabel", { title: `${product.title} ${s.spec}` })} compact disabled={!s.inStock} />
              </span>
            </li>
          ))}
        </ul>
      </section>
      {product.description ? (
        <section className="card mx-4">
          <h2 className="mb-2 font-semibold">{t("product.description")}</h2>
          <p className="whitespace-pre-line text-sm">{product.description}</p>
        </section>
      ) : null}
      <ProductReviews productId={product.id} summary={reviews.summary} highlights={reviews.highlights} locale={i18n.language} />
      <section className="card mx-4 flex items-center gap-3">
        <Store aria-hidden className="size-6 text-brand-700" />
        <div>
          <p className="text-xs text-muted">{t("product.merchant")}</p>
          <p className="font-medium">{product.merchant.name}</p>
        </div>
        <Link to={`/categories?c=${product.category.slug}`} className="link ml-auto text-sm">
          {product.category.name}
        </Link>
      </section>
      {groupDeal ? <GroupDealBar groupDeal={groupDeal} productId={product.id} aloneFen={groupSku?.priceFen ?? cheapest.priceFen} /> : null}
    </article>
  );
}
