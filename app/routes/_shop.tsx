import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Form, Link, Outlet, useLoaderData, useLocation } from "@remix-run/react";
import ClipboardList from "lucide-react/icons/clipboard-list";
import House from "lucide-react/icons/house";
import LayoutGrid from "lucide-react/icons/layout-grid";
import MapPin from "lucide-react/icons/map-pin";
import Search from "lucide-react/icons/search";
import ShoppingCart from "lucide-react/icons/shopping-cart";
import User from "lucide-react/icons/user";
import { useTranslation } from "react-i18next";
import { getOptionalUser } from "~/auth/guards.server";
import { TabBar } from "~/components/ui/tab-bar";
import { readPickupCookie } from "~/lib/pickup-cookie.server";
import { cartQuantitiesFor } from "~/modules/cart/cart-context.server";
import { getChosenPickupPointId, getPickupPointSummary } from "~/modules/pickup/choose.server";

/** The storefront shell. Public (browsing needs no account); pages that need one guard themselves. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getOptionalUser(context, request);
  const [chosenId, cart] = await Promise.all([
    getChosenPickupPointId(context, user?.id ?? null, readPickupCookie(request)),
    cartQuantitiesFor(context, request, user),
  ]);
  return {
    pickupPoint: chosenId ? await getPickupPointSummary(context, chosenId) : null,
    cartCount: cart.reduce((sum, line) => sum + line.quantity, 0),
  };
}

export default function ShopLayout() {
  const { t } = useTranslation();
  const { pickupPoint, cartCount } = useLoaderData<typeof loader>();
  const location = useLocation();
  const here = location.pathname + location.search;
  return (
    <div className="mx-auto min-h-dvh max-w-[30rem] bg-surface pb-20">
      <header className="sticky top-0 z-30 space-y-2 bg-brand-600 px-4 pt-3 pb-3 text-white">
        <div className="flex items-center justify-between gap-3">
          <Link to="/" className="text-lg font-bold">
            {t("app.name")}
          </Link>
          <Link
            to={`/pickup?returnTo=${encodeURIComponent(here)}`}
            className="flex min-h-11 max-w-[70%] items-center gap-1 truncate rounded-full bg-brand-800 px-3 text-sm"
            aria-label={pickupPoint ? t("pickup.changeLabel", { name: pickupPoint.name }) : t("pickup.chooseFirst")}
          >
            <MapPin aria-hidden className="size-4 shrink-0" />
            <span className="truncate">{pickupPoint ? pickupPoint.name : t("pickup.chooseFirst")}</span>
          </Link>
        </div>
        <Form method="get" action="/search" role="search" className="relative">
          <label htmlFor="shop-search" className="sr-only">
            {t("search.label")}
          </label>
          <Search aria-hidden className="pointer-events-none absolute top-1/2 left-3 size-5 -translate-y-1/2 text-muted" />
          <input
            id="shop-search"
            name="q"
            type="search"
            enterKeyHint="search"
            placeholder={t("search.placeholder")}
            // Keyed by the query so the box shows the current search, and empties on other pages.
            key={location.pathname === "/search" ? location.search : "no-search"}
            defaultValue={location.pathname === "/search" ? (new URLSearchParams(location.search).get("q") ?? "") : ""}
            className="block min-h-11 w-full rounded-full bg-white pr-3 pl-10 text-base text-ink placeholder:text-muted"
          />
        </Form>
      </header>
      <main id="main">
        <Outlet />
      </main>
      <TabBar
        label={t("nav.shop")}
        tabs={[
          { to: "/", label: t("nav.home"), icon: House, end: true },
          { to: "/categories", label: t("nav.categories"), icon: LayoutGrid },
          { to: "/cart", label: t("nav.cart"), icon: ShoppingCart, badge: cartCount },
          { to: "/orders", label: t("nav.orders"), icon: ClipboardList },
          { to: "/me", label: t("nav.me"), icon: User },
        ]}
      />
    </div>
  );
}
