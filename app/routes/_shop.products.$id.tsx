import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Heart, Store } from "lucide-react";
import { useTranslation } from "react-i18next";
import { getOptionalUser } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { isFavourite } from "~/modules/account/favourites.server";
import { AddToCartForm } from "~/components/shop/add-to-cart";
import { formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { imageSrcSet } from "~/modules/catalog/images";
import { getProductDetail } from "~/modules/catalog/product-detail.server";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  if (!data) return [{ title: translate(locale, "errors.notFound.title") }];
  const price = formatFen(Math.min(...data.product.skus.map((s) => s.priceFen)));
  return [
    { title: `${data.product.title} ${price} · ${translate(locale, "app.name")}` },
    { name: "description", content: `${data.product.title} · ${price} · ${data.product.merchant.name}` },
  ];
};

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  if (!/^prd_[0-9a-z]{20}$/.test(id)) throw new Response("Not Found", { status: 404 });
  const [product, user] = await Promise.all([getProductDetail(context, id, resolveLocale(request)), getOptionalUser(context, request)]);
  if (!product) throw new Response("Not Found", { status: 404 });
  return { product, favourite: user ? await isFavourite(context, user.id, id) : false, signedIn: user !== null };
}

export default function ProductPage() {
  const { t } = useTranslation();
  const { product, favourite, signedIn } = useLoaderData<typeof loader>();
  const cheapest = product.skus.reduce((a, b) => (b.priceFen < a.priceFen ? b : a));
  return (
    <article className="space-y-3 pb-4">
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
            loading={i === 0 ? "eager" : "lazy"}
            decoding="async"
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
      </section>
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
    </article>
  );
}
