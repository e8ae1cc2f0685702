import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatFen } from "~/lib/format";
import { imageSrcSet } from "~/modules/catalog/images";

export interface ProductCardData {
  id: string;
  title: string;
  priceFen: number;
  wasPriceFen: number | null;
  soldCount: number;
  inStock: boolean;
  imageUrl: string | null;
  /** Widths of resized copies of the image (raster uploads made with JavaScript); none for SVG. */
  imageWidths?: number[];
}

/**
 * Square image, two-line title, big price (struck price only when true), sold count. The image
 * keeps width/height (no layout shift), loads lazily except on the first row (`eager`), and offers
 * its resized copies through srcset/sizes when it has them.
 */
export function ProductCard({ product, eager = false }: { product: ProductCardData; eager?: boolean }) {
  const { t } = useTranslation();
  return (
    <Link to={`/products/${product.id}`} prefetch="intent" className="block overflow-hidden rounded-2xl bg-white shadow-sm focus-visible:ring-2">
      {product.imageUrl ? (
        <img
          src={product.imageUrl}
          srcSet={imageSrcSet(product.imageUrl, product.imageWidths ?? [])}
          alt=""
          width={480}
          height={480}
          sizes="(max-width: 30rem) 50vw, 240px"
          loading={eager ? "eager" : "lazy"}
          decoding="async"
          className="aspect-square w-full bg-brand-50 object-cover"
        />
      ) : (
        <div className="aspect-square w-full bg-brand-50" />
      )}
      <div className="space-y-1 p-3">
        <h3 className="line-clamp-2 min-h-[2.5rem] text-sm font-medium">{product.title}</h3>
        <p className="flex flex-wrap items-baseline gap-x-1">
          <span className="tabular text-lg font-bold text-price">{formatFen(product.priceFen)}</span>
          {product.wasPriceFen !== null ? (
            <s className="tabular text-xs text-muted" aria-label={t("product.wasPrice", { price: formatFen(product.wasPriceFen) })}>
              {formatFen(product.wasPriceFen)}
            </s>
          ) : null}
        </p>
        <p className="flex justify-between text-xs text-muted">
          <span>{t("shop.sold", { count: product.soldCount })}</span>
          {!product.inStock ? <span className="text-danger">{t("shop.soldOut")}</span> : null}
        </p>
      </div>
    </Link>
  );
}

export function ProductGrid({ products }: { products: ProductCardData[] }) {
  return (
    <ul className="grid grid-cols-2 gap-3">
      {products.map((p, i) => (
        <li key={p.id}>
          <ProductCard product={p} eager={i < 4} />
        </li>
      ))}
    </ul>
  );
}
