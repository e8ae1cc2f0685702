import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { fieldsFromIssues } from "~/api/errors";
import { requireUser, safeRedirectPath } from "~/auth/guards.server";
import { ProductGrid } from "~/components/shop/product-card";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { listFavourites, setFavourite } from "~/modules/account/favourites.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "favourites.title")} · ${translate(locale, "app.name")}` }];
};

const FavouriteInput = v.object({
  intent: v.picklist(["add", "remove"], "intent_invalid"),
  productId: v.pipe(v.string(), v.regex(/^prd_[0-9a-z]{20}$/, "product_invalid")),
  returnTo: v.optional(v.pipe(v.string(), v.maxLength(2000))),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  return { products: await listFavourites(context, user.id, resolveLocale(request)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const parsed = v.safeParse(FavouriteInput, Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const fields = fieldsFromIssues(parsed.issues);
    // one code for the page to show: the product's or the intent's
    const error = fields.productId ? "product_invalid" : "intent_invalid";
    return data({ error, fields }, { status: 400 });
  }
  const result = await setFavourite(context, user.id, parsed.output.productId, parsed.output.intent === "add");
  if (result === "not_found") return data({ error: "product_invalid" }, { status: 404 });
  if (result === "full") return data({ error: "favourites_full" }, { status: 409 });
  if (parsed.output.returnTo) throw redirect(safeRedirectPath(parsed.output.returnTo, "/me/favourites"));
  return { state: result };
}

export default function Favourites() {
  const { t } = useTranslation();
  const { products } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-3 p-4">
      <h1 className="text-2xl font-bold">{t("favourites.title")}</h1>
      {products.length === 0 ? (
        <div className="card space-y-3 text-center">
          <p className="text-muted">{t("favourites.empty")}</p>
          <Link to="/" className="btn-primary">
            {t("cart.browse")}
          </Link>
        </div>
      ) : (
        <ProductGrid products={products} />
      )}
    </div>
  );
}
