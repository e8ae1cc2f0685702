import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
} from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { getAdminAccess, requirePermission } from "~/auth/guards.server";
import { hasPermission } from "~/auth/permissions";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import {
  listMemberProducts,
  MEMBER_PRODUCTS_PAGE,
  setMemberExclusive,
} from "~/modules/membership/exclusive.server";

/**
 * /admin/member-products: which on-shelf products get the members' exclusive discount (SPEC §6).
 * Viewing needs `read:settings:any`, changing `update:settings:any` (the discount is the
 * platform's money, like the membership settings). Plain forms: works without JS.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale =
    (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [
    {
      title: `${translate(
        locale,
        "adminSettings.memberProducts.title"
      )} · ${translate(locale, "app.name")}`,
    },
  ];
};

const Query = v.object({
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(50)), ""),
  page: v.optional(
    v.pipe(v.string(), v.regex(/^[1-9]\d{0,3}$/), v.transform(Number)),
    "1"
  ),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(context, request, "read:settings:any");
  const url = new URL(request.url);
  const parsed = v.safeParse(Query, {
    q: url.searchParams.get("q") ?? undefined,
    page: url.searchParams.get("page") ?? undefined,
  });
  const { q, page } = parsed.success ? parsed.output : { q: "", page: 1 };
  const locale = resolveLocale(request);
  const [list, canEdit] = await Promise.all([
    listMemberProducts(context, { q, page: Number(page), locale }),
    getAdminAccess(context, admin).then((access) =>
      hasPermission(admin.roles, access, "update:settings:any")
    ),
  ]);
  return {
    ...list,
    q,
    page: Number(page),
    pageSize: MEMBER_PRODUCTS_PAGE,
    canEdit,
  };
}

const SetInput = v.object({
  productId: v.pipe(
    v.string("invalid"),
    v.regex(/^prd_[0-9a-z]{20}$/, "invalid")
  ),
  intent: v.picklist(["add", "remove"], "invalid"),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(
    context,
    request,
    "update:settings:any"
  );
  const parsed = v.safeParse(
    SetInput,
    Object.fromEntries(await request.formData())
  );
  if (!parsed.success)
    return data(
      { done: null, productId: null, error: "invalid" as const },
      { status: 400 }
    );
  const set = await setMemberExclusive(context, {
    adminUserId: admin.id,
    productId: parsed.output.productId,
    exclusive: parsed.output.intent === "add",
  });
  if (!set.ok)
    return data(
      {
        done: null,
        productId: parsed.output.productId,
        error: "notFound" as const,
      },
      { status: 404 }
    );
  return data({
    done:
      parsed.output.intent === "add"
        ? ("added" as const)
        : ("removed" as const),
    productId: parsed.output.productId,
    error: null,
  });
}

export default function AdminMemberProducts() {
  const { t } = useTranslation();
  const { products, total, chosen, q, page, pageSize, canEdit } =
    useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const pageLink = (p: number) =>
    `?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  return (
    <div className="max-w-3xl space-y-4">
      <h1 className="text-2xl font-bold">
        {t("adminSettings.memberProducts.title")}
      </h1>
      <p className="text-sm text-muted">
        {t("adminSettings.memberProducts.lead")}
      </p>
      <p className="text-sm">
        {t("adminSettings.memberProducts.chosen", { count: chosen })}
      </p>
      {answer?.done ? (
        <p
          role="status"
          className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800"
        >
          {t(`adminSettings.memberProducts.${answer.done}`)}
        </p>
      ) : null}
      {answer?.error ? (
        <p
          role="alert"
          className="rounded-xl bg-red-50 p-3 text-sm text-danger"
        >
          {t(
            answer.error === "notFound"
              ? "adminSettings.memberProducts.notFound"
              : "validation.invalid"
          )}
        </p>
      ) : null}
      <Form method="get" className="flex gap-2" role="search">
        <label htmlFor="mp-q" className="sr-only">
          {t("adminSettings.memberProducts.search")}
        </label>
        <input
          id="mp-q"
          name="q"
          defaultValue={q}
          maxLength={50}
          className="field-input flex-1"
          placeholder={t("adminSettings.memberProducts.search")}
        />
        <button type="submit" className="btn-secondary">
          {t("adminSettings.memberProducts.searchButton")}
        </button>
      </Form>
      {products.length === 0 ? (
        <p className="text-muted">{t("adminSettings.memberProducts.empty")}</p>
      ) : null}
      <ul className="divide-y divide-line rounded-xl border border-line bg-white">
        {products.map((p) => (
          <li
            key={p.id}
            className="flex min-h-14 items-center justify-between gap-3 px-3 py-2"
          >
            <span>
              <Link to={`/products/${p.id}`} className="link">
                {p.title}
              </Link>
              {p.memberExclusive ? (
                <span className="ml-2 rounded-full bg-amber-50 px-2 text-xs text-amber-900">
                  {t("adminSettings.memberProducts.exclusive")}
                </span>
              ) : null}
            </span>
            {canEdit ? (
              <Form method="post">
                <input type="hidden" name="productId" value={p.id} />
                <button
                  type="submit"
                  name="intent"
                  value={p.memberExclusive ? "remove" : "add"}
                  className={
                    p.memberExclusive ? "btn-secondary" : "btn-primary"
                  }
                  disabled={navigation.state === "submitting"}
                >
                  {t(
                    p.memberExclusive
                      ? "adminSettings.memberProducts.remove"
                      : "adminSettings.memberProducts.add"
                  )}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      <nav
        className="flex justify-between"
        aria-label={t("adminSettings.memberProducts.title")}
      >
        {page > 1 ? (
          <Link to={pageLink(page - 1)} className="link">
            {t("adminSettings.memberProducts.prev")}
          </Link>
        ) : (
          <span />
        )}
        {page * pageSize < total ? (
          <Link to={pageLink(page + 1)} className="link">
            {t("adminSettings.memberProducts.next")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
