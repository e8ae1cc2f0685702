import Share2 from "lucide-react/icons/share-2";
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** The product page's "分享 · 生成海报" link: the share page (link, poster, download) works without JavaScript. */
export function ShareButton({ productId }: { productId: string }) {
  const { t } = useTranslation();
  return (
    <Link to={`/products/${productId}/share`} className="btn-secondary min-h-11 w-full text-sm" data-testid="product-share">
      <Share2 aria-hidden className="size-5" />
      {t("share.button")}
    </Link>
  );
}
