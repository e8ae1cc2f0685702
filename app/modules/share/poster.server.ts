import type { AppContext } from "~/context.server";
import { translate } from "~/i18n/i18n";
import { formatFen } from "~/lib/format";
import { qrSvg } from "~/lib/qr.server";
import { getProductFlashSale } from "~/modules/flash-sales/pages.server";
import { getLiveCampaignForProduct } from "~/modules/group-deals/groups.server";
import { productPosterSvg } from "~/modules/leaders/poster";
import { getPromotableProduct, productImageDataUri } from "~/modules/leaders/promote.server";
import { isFeatureOn } from "~/modules/settings/settings.server";
import { shareLinkFor } from "./attribution.server";

/**
 * A poster of any on-sale product for anyone to share (ADR 023): the product's photo (embedded, so
 * the downloaded file stands alone), title, the price a friend will pay now — the flash-sale price
 * while one is live, else the group deal's first tier, else the everyday price — and a QR code of
 * the product's share link: the viewer's share code when signed in (and through it their point's
 * leader attribution when they lead one), the plain product page otherwise. All text is escaped by
 * the poster builder.
 */
export async function buildSharePoster(
  ctx: AppContext,
  input: { productId: string; userId: string | null; origin: string; locale: string },
): Promise<{ svg: string; fileName: string; url: string } | null> {
  const product = await getPromotableProduct(ctx, input.productId, input.locale);
  if (!product) return null;
  const t = (key: string, options?: Record<string, unknown>) => translate(input.locale, key, options);
  const [flash, campaign] = await Promise.all([
    getProductFlashSale(ctx, product.id, input.locale),
    isFeatureOn(ctx, "feature.group_deals").then((on) => (on ? getLiveCampaignForProduct(ctx, product.id) : null)),
  ]);
  const page = `/products/${product.id}`;
  const path = input.userId ? await shareLinkFor(ctx, input.userId, page) : page;
  const url = `${input.origin}${path}`;
  let price = { fen: product.priceFen, label: undefined as string | undefined };
  if (flash?.phase === "live") price = { fen: flash.flashPriceFen, label: t("share.poster.flashLabel") };
  else if (campaign?.tiers[0]) price = { fen: campaign.tiers[0].unitPriceFen, label: t("share.poster.groupLabel", { size: campaign.tiers[0].size }) };
  const svg = productPosterSvg({
    brand: t("app.name"),
    pointName: t("share.poster.headerRight"),
    pointLine: t("share.poster.line"),
    title: product.title,
    priceLabel: price.label,
    price: formatFen(price.fen),
    unit: product.unit,
    imageDataUri: await productImageDataUri(ctx, product),
    qrSvg: qrSvg(url, 220),
    qrCaption: t("share.poster.caption"),
    url,
  });
  return { svg, fileName: `poster-${product.id}.svg`, url };
}
