import { getFormProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requireUser, safeRedirectPath } from "~/auth/guards.server";
import { Field, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { AddressInput } from "~/modules/account/address-schema";
import { deleteAddress, listAddresses, saveAddress } from "~/modules/account/addresses.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "addresses.title")} · ${translate(locale, "app.name")}` }];
};

const AddressId = v.pipe(v.string(), v.regex(/^adr_[0-9a-z]{20}$/, "address_not_found"));

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  return { addresses: await listAddresses(context, user.id) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const formData = await request.formData();
  if (formData.get("intent") === "delete") {
    const id = v.safeParse(AddressId, formData.get("id"));
    if (!id.success || !(await deleteAddress(context, user.id, id.output))) return data({ result: null, deleted: false }, { status: 404 });
    throw redirect("/me/addresses");
  }
  const submission = parseWithValibot(formData, { schema: AddressInput });
  if (submission.status !== "success") return data({ result: submission.reply(), deleted: false }, { status: 400 });
  const rawId = formData.get("id");
  const id = rawId ? v.safeParse(AddressId, rawId) : null;
  if (id && !id.success) return data({ result: submission.reply({ formErrors: ["address_not_found"] }), deleted: false }, { status: 404 });
  const saved = await saveAddress(context, user.id, id?.output ?? null, submission.value);
  if (!saved.ok) return data({ result: submission.reply({ formErrors: [saved.error.code] }), deleted: false }, { status: saved.error.code === "address_not_found" ? 404 : 409 });
  // Came from somewhere that needs an address (checkout's door delivery): go back there, with the
  // address just saved selected.
  const returnTo = formData.get("returnTo");
  if (typeof returnTo === "string" && returnTo) {
    const back = safeRedirectPath(returnTo.slice(0, 2000), "");
    if (back) {
      const [path = "/", query = ""] = back.split("?");
      const search = new URLSearchParams(query.split("#")[0]);
      search.set("addressId", saved.value.id);
      throw redirect(`${path}?${search}`);
    }
  }
  throw redirect("/me/addresses?saved=1");
}

export default function Addresses() {
  const { t } = useTranslation();
  const { addresses } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const editing = addresses.find((a) => a.id === params.get("edit"));
  const returnTo = params.get("returnTo");
  const [form, fields] = useForm({
    id: `address-${editing?.id ?? "new"}`,
    lastResult: actionData?.result ?? undefined,
    defaultValue: editing ? { recipientName: editing.recipientName, phone: editing.phone, region: editing.region, detail: editing.detail } : undefined,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: AddressInput }),
    shouldValidate: "onBlur",
  });
  return (
    <div className="space-y-3 p-4">
      <h1 className="text-2xl font-bold">{t("addresses.title")}</h1>
      <p className="text-sm text-muted">{t("addresses.lead")}</p>
      {params.get("saved") ? <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">{t("common.saved")}</p> : null}
      <ul className="space-y-3">
        {addresses.map((a) => (
          <li key={a.id} className="card space-y-1">
            <p className="font-semibold">
              {a.recipientName} <span className="tabular text-sm font-normal text-muted">{a.phoneMasked}</span>
              {a.isDefault ? <span className="ml-2 rounded-full bg-brand-50 px-2 text-xs text-brand-800">{t("addresses.default")}</span> : null}
            </p>
            <p className="text-sm">
              {a.region} {a.detail}
            </p>
            <div className="flex gap-2">
              <a href={`?${new URLSearchParams({ edit: a.id, ...(returnTo ? { returnTo } : {}) })}`} className="btn-secondary min-h-10 px-4 text-sm">
                {t("addresses.edit")}
              </a>
              <Form method="post">
                <input type="hidden" name="intent" value="delete" />
                <input type="hidden" name="id" value={a.id} />
                <button type="submit" className="btn-secondary min-h-10 px-4 text-sm text-danger">
                  {t("addresses.delete")}
                </button>
              </Form>
            </div>
          </li>
        ))}
      </ul>
      <Form method="post" {...getFormProps(form)} className="card space-y-3">
        <h2 className="font-semibold">{editing ? t("addresses.editTitle") : t("addresses.add")}</h2>
        {editing ? <input type="hidden" name="id" value={editing.id} /> : null}
        {returnTo ? <input type="hidden" name="returnTo" value={returnTo} /> : null}
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field meta={fields.recipientName} label={t("addresses.recipient")} autoComplete="name" />
        <Field meta={fields.phone} label={t("auth.phone")} type="tel" autoComplete="tel" />
        <Field meta={fields.region} label={t("addresses.region")} autoComplete="address-level2" placeholder={t("addresses.regionHint")} />
        <Field meta={fields.detail} label={t("addresses.detail")} autoComplete="street-address" />
        <label className="flex min-h-11 items-center gap-2">
          <input type="checkbox" name="isDefault" defaultChecked={editing?.isDefault} className="size-5" />
          {t("addresses.makeDefault")}
        </label>
        <button type="submit" className="btn-primary w-full" disabled={navigation.state === "submitting"}>
          {t("common.save")}
        </button>
      </Form>
    </div>
  );
}
