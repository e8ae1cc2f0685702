import { useFetcher } from "@remix-run/react";
import Plus from "lucide-react/icons/plus";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * "Add to cart": a plain form to /cart that comes back to `returnTo` (works without JavaScript).
 * With JavaScript a fetcher posts it in place; the cart badge updates on revalidation and the
 * button says "added" for a moment.
 */
export function AddToCartForm({ skuId, returnTo, label, compact = false, disabled = false }: { skuId: string; returnTo: string; label: string; compact?: boolean; disabled?: boolean }) {
  const fetcher = useFetcher();
  const { t } = useTranslation();
  const [added, setAdded] = useState(false);
  const wasBusy = useRef(false);
  useEffect(() => {
    if (fetcher.state !== "idle") wasBusy.current = true;
    else if (wasBusy.current) {
      wasBusy.current = false;
      setAdded(true);
      const timer = setTimeout(() => setAdded(false), 1500);
      return () => clearTimeout(timer);
    }
  }, [fetcher.state]);
  return (
    <fetcher.Form method="post" action="/cart">
      <input type="hidden" name="intent" value="add" />
      <input type="hidden" name="skuId" value={skuId} />
      <input type="hidden" name="quantity" value="1" />
      <input type="hidden" name="returnTo" value={returnTo} />
      {compact ? (
        <>
          <button type="submit" disabled={disabled} className="flex size-11 items-center justify-center rounded-full bg-brand-600 text-white disabled:opacity-40" aria-label={label}>
            <Plus aria-hidden className={`size-5 transition-transform ${added ? "scale-125" : ""}`} />
          </button>
          {/* Announced to screen readers; the badge on the cart tab is the visual feedback. */}
          <span className="sr-only" aria-live="polite">
            {added ? t("cart.added") : ""}
          </span>
        </>
      ) : (
        <button type="submit" disabled={disabled} className="btn-primary min-h-12 w-full">
          <span aria-live="polite">{added ? t("cart.added") : label}</span>
        </button>
      )}
    </fetcher.Form>
  );
}
