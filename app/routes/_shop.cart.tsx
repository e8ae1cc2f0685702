import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import Minus from "lucide-react/icons/minus";
import Plus from "lucide-react/icons/plus";
import Trash2 from "lucide-react/icons/trash";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { getOptionalUser, safeRedirectPath } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { describeCart } from "~/modules/cart/cart.server";
import { Quantity, SkuId } from "~/modules/cart/schemas";
import { cartQuantitiesFor, changeCartFor } from "~/modules/cart/cart-context.server";
import { captureEvent } from "~/modules/analytics/capture.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "cart.title")} · ${translate(locale, "app.name")}` }];
};

export const CartChangeInput = v.object({
  intent: v.picklist(["add", "set"], "intent_invalid"),
  skuId: SkuId,
  quantity: Quantity,
  returnTo: v.optional(v.pipe(v.string(), v.maxLength(2000))),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getOptionalUser(context, request);
  const lines = await describeCart(context, await cartQuantitiesFor(context, request, user), resolveLocale(request));
  const buyable = lines.filter((l) => l.available && l.stock >= l.quantity);
  return {
    lines,
    goodsFen: buyable.reduce((sum, l) => sum + l.unitPriceFen * l.quantity, 0),
    count: buyable.reduce((sum, l) => sum + l.quantity, 0),
    signedIn: user !== null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithValibot(await request.formData(), { schema: CartChangeInput });
  if (submission.status !== "success") return data({ result: submission.reply(), quantity: null }, { status: 400 });
  const { intent, skuId, quantity, returnTo } = submission.value;
  if (intent === "add" && quantity === 0) {
    return data({ result: submission.reply({ fieldErrors: { quantity: ["quantity_invalid"] } }), quantity: null }, { status: 400 });
  }
  const user = await getOptionalUser(context, request);
  const changed = await changeCartFor(context, request, user, { skuId, quantity, mode: intent });
  if (!changed.ok) {
    return data({ result: submission.reply({ fieldErrors: { [changed.error.field ?? "skuId"]: [changed.error.code] } }), quantity: null }, { status: changed.error.code === "cart_full" ? 409 : 404 });
  }
  if (intent === "add") await captureEvent(context, request, { kind: "add_to_cart", path: "/cart", entityId: skuId });
  const headers = changed.value.setCookie ? { "Set-Cookie": changed.value.setCookie } : undefined;
  // Without JavaScript the form came from a product page: go back there.
  if (returnTo) return redirect(safeRedirectPath(returnTo, "/cart"), { headers });
  return data({ result: submission.reply(), quantity: changed.value.quantity }, { headers });
}

function QuantityStepper({ skuId, quantity, max, title }: { skuId: string; quantity: number; max: number; title: string }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<typeof action>();
  const pending = fetcher.formData ? Number(fetcher.formData.get("quantity")) : quantity;
  return (
    <div className="flex items-center gap-1" role="group" aria-label={t("cart.quantityOf", { title })}>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="set" />
        <input type="hidden" name="skuId" value={skuId} />
        <input type="hidden" name="quantity" value={Math.max(0, pending - 1)} />
        <button type="submit" className="flex size-11 items-center justify-center rounded-full border border-line" aria-label={pending <= 1 ? t("cart.remove") : t("cart.less")}>
          {pending <= 1 ? <Trash2 aria-hidden className="size-4" /> : <Minus aria-hidden className="size-4" />}
        </button>
      </fetcher.Form>
      <span className="tabular w-8 text-center" aria-live="polite">
        {pending}
      </span>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="set" />
        <input type="hidden" name="skuId" value={skuId} />
        <input type="hidden" name="quantity" value={Math.min(99, pending + 1)} />
        <button type="submit" className="flex size-11 items-center justify-center rounded-full border border-line disabled:opacity-40" disabled={pending >= Math.min(99, max)} aria-label={t("cart.more")}>
          <Plus aria-hidden className="size-4" />
        </button>
      </fetcher.Form>
    </div>
  );
}

export default function CartPage() {
  const { t } = useTranslation();
  const { lines, goodsFen, count, signedIn } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-3 p-4">
      <h1 className="text-2xl font-bold">{t("cart.title")}</h1>
      {lines.length === 0 ? (
        <div className="card space-y-3 text-center">
          <p className="text-muted">{t("cart.empty")}</p>
          <Link to="/" className="btn-primary">
            {t("cart.browse")}
          </Link>
        </div>
      ) : (
        <>
          <ul className="space-y-3">
            {lines.map((l) => (
              <li key={l.skuId} className="card flex gap-3">
                {l.imageUrl ? <img src={l.imageUrl} alt="" width={72} height={72} loading="lazy" className="size-18 shrink-0 rounded-xl object-cover" /> : null}
                <div className="flex-1 space-y-1">
                  <Link to={`/products/${l.productId}`} className="line-clamp-2 font-medium">
                    {l.title}
                  </Link>
                  <p className="text-xs text-muted">
                    {l.spec} · {l.merchantName}
                  </p>
                  {!l.available ? <p className="text-sm text-danger">{t("cart.unavailable")}</p> : l.stock < l.quantity ? <p className="text-sm text-danger">{t("cart.notEnoughStock", { count: l.stock })}</p> : null}
                  <div className="flex items-center justify-between">
                    <span className="tabular font-bold text-price">{formatFen(l.unitPriceFen)}</span>
                    <QuantityStepper skuId={l.skuId} quantity={l.quantity} max={l.stock} title={l.title} />
                  </div>
                </div>
              </li>
            ))}
          </ul>
          <section className="card flex items-center justify-between" aria-label={t("cart.summary")}>
            <span>{t("cart.items", { count })}</span>
            <span>
              {t("cart.goods")} <strong className="tabular text-xl text-price">{formatFen(goodsFen)}</strong>
            </span>
          </section>
          <p className="text-sm text-muted">{t("cart.discountsAtCheckout")}</p>
          <Link to={signedIn ? "/checkout" : "/login?redirectTo=%2Fcheckout"} className="btn-primary min-h-12 w-full">
            {signedIn ? t("checkout.checkout") : t("checkout.signInToCheckout")}
          </Link>
        </>
      )}
    </div>
  );
}
