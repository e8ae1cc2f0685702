import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnPickupPoint, requireRole } from "~/auth/guards.server";
import { NotifyCustomersButton } from "~/components/leader/notify-customers-button";
import { translate } from "~/i18n/i18n";
import { countCustomersToNotify } from "~/modules/notifications/ready-notices.server";
import { confirmArrival, listPointArrivals } from "~/modules/fulfilment/batches.server";
import { ConfirmArrivalInput } from "~/modules/fulfilment/schemas";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "fulfilment.arrivals.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  const [batches, waitingToNotify] = await Promise.all([listPointArrivals(context, point.id), countCustomersToNotify(context, point.id)]);
  return { pointName: point.name, batches, waitingToNotify };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  const formData = await request.formData();
  const submission = parseWithValibot(formData, { schema: ConfirmArrivalInput });
  const batchId = submission.payload.batchId;
  if (submission.status !== "success") return data({ batchId, errors: submission.reply().error ?? {}, done: null }, { status: 400 });
  // Shortage photos travel as items[i].photo files beside the counts.
  const photos = new Map<string, File>();
  submission.value.items.forEach((item, index) => {
    const file = formData.get(`items[${index}].photo`);
    if (file instanceof File && file.size > 0) photos.set(item.skuId, file);
  });
  const result = await confirmArrival(context, {
    pickupPointId: point.id,
    userId: user.id,
    batchId: submission.value.batchId,
    items: submission.value.items,
    photos,
    origin: new URL(request.url).origin,
  });
  if (!result.ok) {
    // Another point's batch (or none) is not found; a batch already confirmed is a conflict.
    if (result.error.code === "batch_not_found") throw new Response("Not Found", { status: 404 });
    const status = result.error.code === "not_shipped" ? 409 : 400;
    return data({ batchId, errors: { [result.error.field ?? ""]: [result.error.code] } as Record<string, string[] | null>, done: null }, { status });
  }
  return { batchId, errors: {} as Record<string, string[] | null>, done: { shortageQty: result.value.shortageQty, refunds: result.value.refundIds.length } };
}

/** Goods arrival: one card per incoming batch; count each line, note any shortage, confirm. */
export default function LeaderArrivals() {
  const { t } = useTranslation();
  const { pointName, batches, waitingToNotify } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errorText = (code: string) => t(`fulfilment.errors.${code}`, { defaultValue: t("fulfilment.errors.generic") });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("fulfilment.arrivals.title")}</h1>
      <p className="text-sm text-muted">{pointName}</p>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {actionData.done.shortageQty ? t("fulfilment.arrivals.confirmedShort", { count: actionData.done.shortageQty }) : t("fulfilment.arrivals.confirmed")}
        </p>
      ) : null}
      <NotifyCustomersButton waiting={waitingToNotify} />
      {batches.length === 0 ? <p className="card text-sm">{t("fulfilment.arrivals.empty")}</p> : null}
      {batches.map((b) => {
        const errors = actionData?.batchId === b.id ? actionData.errors : {};
        const formError = errors[""]?.[0] ?? errors.batchId?.[0] ?? errors.items?.[0];
        return (
          <section key={b.id} className="card space-y-3" aria-labelledby={`batch-${b.id}`}>
            <h2 id={`batch-${b.id}`} className="text-lg font-semibold">
              {b.merchantName}
              <span className="ml-2 text-sm font-normal text-muted">
                {b.deliveryDate} · {t(`fulfilment.status.${b.status}`)}
              </span>
            </h2>
            {b.status === "arrived" ? (
              <ul className="divide-y divide-line text-base">
                {b.items.map((i) => (
                  <li key={i.skuId} className="flex justify-between gap-2 py-2">
                    <span>
                      {i.title} <span className="text-sm text-muted">{i.spec}</span>
                      {i.shortageNote ? <span className="block text-sm text-muted">{i.shortageNote}</span> : null}
                      {i.hasPhoto ? (
                        <a className="link block text-sm" href={`/leader/arrivals/photo/${b.id}/${i.skuId}`} target="_blank" rel="noreferrer">
                          {t("fulfilment.arrivals.viewPhoto")}
                        </a>
                      ) : null}
                    </span>
                    <span className={`tabular ${i.receivedQty !== null && i.receivedQty < i.expectedQty ? "font-semibold text-danger" : ""}`}>
                      {i.receivedQty} / {i.expectedQty}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <Form method="post" encType="multipart/form-data" className="space-y-3">
                <input type="hidden" name="intent" value="confirm-arrival" />
                <input type="hidden" name="batchId" value={b.id} />
                {formError ? (
                  <p role="alert" className="field-error">
                    {errorText(formError)}
                  </p>
                ) : null}
                {b.items.map((i, index) => {
                  const receivedError = errors[`items[${index}].received`]?.[0];
                  const noteError = errors[`items[${index}].note`]?.[0];
                  const photoError = errors[`items[${index}].photo`]?.[0];
                  const id = `${b.id}-${i.skuId}`;
                  return (
                    <fieldset key={i.skuId} className="rounded-xl border border-line p-3">
                      <legend className="px-1 font-semibold">
                        {i.title} <span className="text-sm font-normal text-muted">{i.spec}</span>
                      </legend>
                      <input type="hidden" name={`items[${index}].skuId`} value={i.skuId} />
                      <p className="text-sm">{t("fulfilment.arrivals.expected", { count: i.expectedQty })}</p>
                      <div className="mt-2 grid grid-cols-[7rem_1fr] items-start gap-3">
                        <div>
                          <label htmlFor={`${id}-received`} className="field-label">
                            {t("fulfilment.arrivals.received")}
                          </label>
                          <input
                            id={`${id}-received`}
                            name={`items[${index}].received`}
                            type="number"
                            inputMode="numeric"
                            min={0}
                            max={i.expectedQty}
                            step={1}
                            required
                            defaultValue={i.expectedQty}
                            className="field-input min-h-12 text-lg"
                            aria-invalid={receivedError ? true : undefined}
                            aria-describedby={receivedError ? `${id}-received-error` : undefined}
                          />
                          {receivedError ? (
                            <p id={`${id}-received-error`} className="field-error" role="alert">
                              {errorText(receivedError)}
                            </p>
                          ) : null}
                        </div>
                        <div>
                          <label htmlFor={`${id}-note`} className="field-label">
                            {t("fulfilment.arrivals.note")}
                          </label>
                          <input
                            id={`${id}-note`}
                            name={`items[${index}].note`}
                            type="text"
                            maxLength={200}
                            className="field-input min-h-12"
                            aria-invalid={noteError ? true : undefined}
                            aria-describedby={noteError ? `${id}-note-error` : undefined}
                          />
                          {noteError ? (
                            <p id={`${id}-note-error`} className="field-error" role="alert">
                              {errorText(noteError)}
                            </p>
                          ) : null}
                        </div>
                      </div>
                      <div className="mt-2">
                        <label htmlFor={`${id}-photo`} className="field-label">
                          {t("fulfilment.arrivals.photo")}
                        </label>
                        <input
                          id={`${id}-photo`}
                          name={`items[${index}].photo`}
                          type="file"
                          accept="image/jpeg,image/png,image/webp"
                          capture="environment"
                          className="block min-h-12 w-full text-sm"
                          aria-invalid={photoError ? true : undefined}
                          aria-describedby={photoError ? `${id}-photo-error` : `${id}-photo-hint`}
                        />
                        {photoError ? (
                          <p id={`${id}-photo-error`} className="field-error" role="alert">
                            {errorText(photoError)}
                          </p>
                        ) : (
                          <p id={`${id}-photo-hint`} className="text-sm text-muted">
                            {t("fulfilment.arrivals.photoHint")}
                          </p>
                        )}
                      </div>
                    </fieldset>
                  );
                })}
                <button type="submit" className="btn-primary min-h-12 w-full" disabled={navigation.state === "submitting"}>
                  {t("fulfilment.arrivals.confirm")}
                </button>
              </Form>
            )}
          </section>
        );
      })}
    </div>
  );
}
