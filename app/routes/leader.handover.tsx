import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, isRouteErrorResponse, useActionData, useFetcher, useLoaderData, useNavigation, type ClientLoaderFunctionArgs, type ShouldRevalidateFunction } from "@remix-run/react";
import Minus from "lucide-react/icons/minus";
import Plus from "lucide-react/icons/plus";
import RefreshCw from "lucide-react/icons/refresh-cw";
import WifiOff from "lucide-react/icons/wifi-off";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { requireOwnPickupPoint, requireRole } from "~/auth/guards.server";
import { loadLastList, newClientRef } from "~/components/leader/handover-store";
import { QrScanner } from "~/components/leader/qr-scanner";
import { useHandover } from "~/components/leader/use-handover";
import { translate } from "~/i18n/i18n";
import { matchCode, parsePickupCode, type PickupListLine, type PickupListOrder, type RequestedLine } from "~/modules/leaders/handover";
import { handoverFormAction, type HandoverActionData } from "~/modules/leaders/handover-form.server";
import { getPickupList } from "~/modules/leaders/handover.server";
import { shanghaiClock, waitingFor } from "~/modules/leaders/today";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "handover.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  return { pointName: point.name, list: await getPickupList(context, point.id) };
}

/**
 * When the network fails (offline, or the connection drops mid-request), a client-side navigation
 * here cannot reach the loader (nor the service worker's copy of its data, if it has none): the
 * last list this device stored is shown instead. The server's answers (403, a redirect to sign in)
 * still count.
 */
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  try {
    return await serverLoader<typeof loader>();
  } catch (error) {
    if (error instanceof Response || isRouteErrorResponse(error)) throw error;
    const last = await loadLastList();
    if (!last) throw error;
    return last;
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  const result = await handoverFormAction(context, { pickupPointId: point.id, userId: user.id, form: await request.formData() });
  return data(result.body, { status: result.status });
}

/** A code lookup (the fetcher) needs no fresh list; a no-JavaScript confirm reloads the page anyway. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "lookup" ? false : defaultShouldRevalidate;

/** Problems with what was typed: shown under the field. */
const TYPED_ERRORS: ReadonlySet<string> = new Set(["code_required", "code_invalid"]);

interface CardOrder {
  orderId: string;
  customerName: string;
  phoneMasked: string | null;
  door: boolean;
  lines: PickupListLine[];
}

type Notice =
  | { kind: "done"; name: string; completed: boolean; units: number; left: number }
  | { kind: "queued"; name: string; units: number }
  | { kind: "refused"; code: string }
  | { kind: "signedOut" };

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** Hand-over: scan (or type) the customer's pickup code, check the items, confirm; works offline. */
export default function LeaderHandover() {
  const { t } = useTranslation();
  const { pointName, list: serverList } = useLoaderData<typeof clientLoader>();
  const actionData = useActionData<typeof action>() as HandoverActionData | undefined;
  const navigation = useNavigation();
  const hydrated = useHydrated();
  const handover = useHandover(pointName, serverList);
  const lookup = useFetcher<typeof action>();
  const [selected, setSelected] = useState<{ code: string; order: CardOrder } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // A typed-code problem from a form post made before JavaScript ran, until the leader types again.
  const [typedError, setTypedError] = useState<string | null>(() => (actionData?.step === "error" && TYPED_ERRORS.has(actionData.error) ? actionData.error : null));
  const codeRef = useRef<HTMLInputElement>(null);
  const listRef = useRef(handover.list);
  listRef.current = handover.list;
  const submitLookup = useRef(lookup.submit);
  submitLookup.current = lookup.submit;

  /** A code from the camera or the field: found in the local list at once, else asked of the server. */
  const handleCode = useCallback(async (code: string) => {
    setTypedError(null);
    let match: Awaited<ReturnType<typeof matchCode>> | null = null;
    try {
      match = await matchCode(listRef.current, code);
    } catch {
      match = null; // no WebCrypto here (not a secure context): the server looks it up
    }
    navigator.vibrate?.(40);
    if (match?.kind === "order") {
      setNotice(null);
      setSelected({ code, order: match.order });
      return;
    }
    setSelected(null);
    if (match?.kind === "refused") return setNotice({ kind: "refused", code: match.refusal });
    if (!navigator.onLine) return setNotice({ kind: "refused", code: "unknown_offline" });
    setNotice(null);
    submitLookup.current({ intent: "lookup", code }, { method: "post" });
  }, []);

  // The server's answer to a lookup the local list could not make.
  useEffect(() => {
    const d = lookup.data as HandoverActionData | undefined;
    if (lookup.state !== "idle" || !d) return;
    if (d.step === "lookup" && !d.error) setSelected({ code: d.code, order: d.order });
    else if (d.step === "lookup") setNotice({ kind: "refused", code: d.error! });
    else if (d.step === "error") setNotice({ kind: "refused", code: d.error });
  }, [lookup.state, lookup.data]);

  const confirm = async (code: string, order: CardOrder, lines: RequestedLine[]) => {
    const units = lines.reduce((s, l) => s + l.quantity, 0);
    const summary = lines
      .map((l) => {
        const line = order.lines.find((x) => x.lineId === l.lineId);
        return `${line?.title ?? ""} ×${l.quantity}`;
      })
      .join("、");
    const offline = !navigator.onLine;
    const result = await handover.confirm({ clientRef: newClientRef(), code, orderId: order.orderId, lines, handedAt: Date.now(), offline, customerName: order.customerName, summary, attempts: 0 });
    setSelected(null);
    // Ready for the next customer.
    if (codeRef.current && result.kind !== "refused") codeRef.current.value = "";
    if (result.kind === "done") setNotice({ kind: "done", name: order.customerName, completed: result.completed, units, left: result.remaining });
    else if (result.kind === "refused") setNotice({ kind: "refused", code: result.refusal });
    else if (result.kind === "signed_out") setNotice({ kind: "signedOut" });
    else setNotice({ kind: "queued", name: order.customerName, units });
  };

  // Without JavaScript the action's answer drives the screen.
  const actionLookup = actionData?.step === "lookup" ? actionData : null;
  // The order can still be handed over (the answer may carry a problem with the quantities).
  const actionCard = actionLookup && actionLookup.order.refusal === null ? actionLookup : null;
  const actionTypedError = actionData?.step === "error" && TYPED_ERRORS.has(actionData.error) ? actionData.error : null;
  const shownOrder = selected ?? (actionCard ? { code: actionCard.code, order: actionCard.order } : null);
  const shownNotice: Notice | null =
    notice ??
    (actionData?.step === "done"
      ? { kind: "done", name: actionData.customerName, completed: actionData.completed, units: actionData.units, left: actionData.left }
      : actionData?.step === "error" && !actionTypedError
        ? { kind: "refused", code: actionData.error }
        : actionLookup?.error && (!actionCard || Object.keys(actionLookup.fieldErrors).length === 0)
          ? { kind: "refused", code: actionLookup.error }
          : null);
  const lineErrors = !selected && actionCard ? actionCard.fieldErrors : {};
  const typedValue = actionData?.step === "error" ? actionData.typed : "";
  const shownTypedError = typedError;
  const list = hydrated ? handover.list : serverList;

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-bold">{t("handover.title")}</h1>
        <p className="text-sm text-muted">{pointName}</p>
      </div>

      {hydrated && (!handover.online || handover.queue.length > 0 || handover.signedOut) ? (
        <div role="status" className="flex items-center justify-between gap-3 rounded-xl bg-price-50 p-3 text-ink" data-testid="offline-banner">
          <div className="flex items-center gap-2">
            {!handover.online ? <WifiOff aria-hidden className="size-5 shrink-0 text-price" /> : null}
            <div>
              {!handover.online ? <p className="font-semibold">{t("handover.offline.offline")}</p> : null}
              {handover.queue.length > 0 ? <p>{t("handover.offline.queued", { count: handover.queue.length })}</p> : null}
              {handover.signedOut ? <p>{t("handover.offline.signedOut")}</p> : null}
            </div>
          </div>
          {handover.online && handover.queue.length > 0 ? (
            <button type="button" className="btn-secondary min-h-12 shrink-0" onClick={() => void handover.syncNow()} disabled={handover.syncing}>
              <RefreshCw aria-hidden className={`size-5 ${handover.syncing ? "motion-safe:animate-spin" : ""}`} />
              {handover.syncing ? t("handover.offline.syncing") : t("handover.offline.retry")}
            </button>
          ) : null}
        </div>
      ) : null}

      {hydrated && handover.conflicts.length > 0 ? (
        <section aria-labelledby="conflicts-title" className="card space-y-2 border-2 border-danger">
          <h2 id="conflicts-title" className="font-semibold text-danger">
            {t("handover.conflicts.title")}
          </h2>
          <ul className="divide-y divide-line">
            {handover.conflicts.map((c) => (
              <li key={c.clientRef} className="flex items-start justify-between gap-3 py-2">
                <div className="text-sm">
                  <p className="font-semibold">
                    {c.customerName} · {c.summary}
                  </p>
                  <p>{t(`handover.refusals.${c.refusal}`, { defaultValue: t("handover.refusals.unknown") })}</p>
                </div>
                <button type="button" className="btn-secondary min-h-12 shrink-0" onClick={() => void handover.dismiss(c.clientRef)} aria-label={t("handover.conflicts.dismissLabel", { name: c.customerName })}>
                  {t("handover.conflicts.dismiss")}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {/* While an order is on screen the camera stays open (no restart) but out of the way. */}
      <section aria-label={t("handover.scanner.region")} className={shownOrder ? "hidden" : undefined}>
        {hydrated ? (
          <QrScanner paused={shownOrder !== null} onCode={(code) => void handleCode(code)} />
        ) : (
          <div className="grid aspect-[4/3] w-full place-items-center rounded-2xl bg-ink p-4 text-center text-sm text-white">{t("handover.scanner.needsScript")}</div>
        )}
      </section>

      {/* Announced by its role (status or alert); focus stays where the leader is working. */}
      {shownNotice ? <NoticeBox notice={shownNotice} /> : null}

      {shownOrder ? (
        <OrderCard
          key={`${shownOrder.order.orderId}:${shownOrder.code}`}
          code={shownOrder.code}
          order={shownOrder.order}
          clientRef={actionData?.step === "lookup" ? actionData.clientRef : ""}
          errors={lineErrors}
          busy={navigation.state === "submitting"}
          onConfirm={hydrated ? (lines) => confirm(shownOrder.code, shownOrder.order, lines) : undefined}
          onCancel={hydrated ? () => setSelected(null) : undefined}
        />
      ) : null}

      <Form
        method="post"
        className="card space-y-2"
        onSubmit={(event) => {
          if (!hydrated) return;
          event.preventDefault();
          const raw = String(new FormData(event.currentTarget).get("code") ?? "");
          const code = parsePickupCode(raw);
          if (!code) return setTypedError(raw.trim() ? "code_invalid" : "code_required");
          void handleCode(code);
        }}
      >
        <input type="hidden" name="intent" value="lookup" />
        <label htmlFor="pickup-code" className="field-label">
          {t("handover.code.label")}
        </label>
        <div className="flex gap-2">
          <input
            ref={codeRef}
            id="pickup-code"
            name="code"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            enterKeyHint="search"
            maxLength={40}
            defaultValue={typedValue}
            className="field-input tabular min-h-12 flex-1 text-xl tracking-widest"
            aria-describedby={shownTypedError ? "pickup-code-hint pickup-code-error" : "pickup-code-hint"}
            aria-invalid={shownTypedError ? true : undefined}
            onInput={() => setTypedError(null)}
          />
          <button type="submit" className="btn-primary min-h-12 shrink-0" disabled={lookup.state !== "idle"}>
            {t("handover.code.submit")}
          </button>
        </div>
        <p id="pickup-code-hint" className="text-sm text-muted">
          {t("handover.code.hint")}
        </p>
        {shownTypedError ? (
          <p id="pickup-code-error" role="alert" className="field-error">
            {t(`handover.errors.${shownTypedError}`)}
          </p>
        ) : null}
      </Form>

      <section aria-labelledby="waiting-title" className="card space-y-2">
        <div className="flex items-baseline justify-between gap-2">
          <h2 id="waiting-title" className="text-lg font-semibold">
            {t("handover.list.title")} <span className="tabular text-muted">({list.orders.length})</span>
          </h2>
          <p className="tabular text-xs text-muted">{t("handover.list.asOf", { time: shanghaiClock(list.generatedAt) })}</p>
        </div>
        {list.orders.length === 0 ? (
          <p className="text-sm text-muted">{t("handover.list.empty")}</p>
        ) : (
          <ul className="divide-y divide-line">
            {list.orders.map((o) => {
              const waited = waitingFor(o.readySince, list.generatedAt);
              return (
                <li key={o.orderId} className="py-2">
                  <p className="font-semibold">
                    {o.customerName} <span className="tabular text-sm font-normal text-muted">{o.phoneMasked}</span>
                    {o.door ? <span className="ml-2 rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-800">{t("handover.order.door")}</span> : null}
                  </p>
                  <p className="text-sm text-muted">{t(`handover.waited.${waited.unit}`, { count: waited.count })}</p>
                  <ul className="text-sm">
                    {o.lines
                      .filter((l) => l.remaining > 0)
                      .map((l) => (
                        <li key={l.lineId}>
                          {l.title} <span className="text-muted">{l.spec}</span>{" "}
                          <span className="tabular font-semibold">{t("handover.list.left", { remaining: l.remaining, owed: l.owed })}</span>
                        </li>
                      ))}
                  </ul>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}

function NoticeBox({ notice }: { notice: Notice }) {
  const { t } = useTranslation();
  if (notice.kind === "refused") {
    return (
      <p role="alert" className="rounded-xl bg-danger-50 p-4 text-lg font-semibold text-danger">
        {t(`handover.refusals.${notice.code}`, { defaultValue: t("handover.refusals.unknown") })}
      </p>
    );
  }
  const text =
    notice.kind === "done"
      ? notice.completed
        ? t("handover.done.complete", { name: notice.name, count: notice.units })
        : t("handover.done.partial", { name: notice.name, count: notice.units, left: notice.left })
      : notice.kind === "queued"
        ? t("handover.done.queued", { name: notice.name, count: notice.units })
        : t("handover.offline.signedOut");
  return (
    <p role="status" className="rounded-xl bg-brand-50 p-4 text-lg font-semibold text-brand-800">
      {text}
    </p>
  );
}

/** The order on a hit: its items in large type, how many to hand over per line (all by default), one confirm. */
function OrderCard({
  code,
  order,
  clientRef,
  errors,
  busy,
  onConfirm,
  onCancel,
}: {
  code: string;
  order: CardOrder;
  clientRef: string;
  errors: Record<string, string[]>;
  busy: boolean;
  onConfirm?: (lines: RequestedLine[]) => Promise<void>;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const open = order.lines.filter((l) => l.remaining > 0);
  const [qty, setQty] = useState<Record<string, number>>(() => Object.fromEntries(open.map((l) => [l.lineId, l.remaining])));
  const [sending, setSending] = useState(false);
  const units = open.reduce((s, l) => s + (qty[l.lineId] ?? 0), 0);
  const formError = Object.entries(errors).find(([field]) => !/^lines\[\d+\]\.quantity$/.test(field))?.[1]?.[0];
  return (
    <section aria-labelledby="order-title" className="card space-y-3 border-2 border-brand-600">
      <h2 id="order-title" className="text-xl font-bold">
        {t("handover.order.title", { name: order.customerName })}
        {order.door ? <span className="ml-2 rounded-full bg-brand-50 px-2 py-0.5 text-sm font-medium text-brand-800">{t("handover.order.door")}</span> : null}
      </h2>
      {order.phoneMasked ? <p className="tabular text-muted">{order.phoneMasked}</p> : null}
      <Form
        method="post"
        className="space-y-3"
        onSubmit={(event) => {
          if (!onConfirm) return;
          event.preventDefault();
          if (sending || units === 0) return;
          setSending(true);
          void onConfirm(open.map((l) => ({ lineId: l.lineId, quantity: qty[l.lineId] ?? 0 }))).finally(() => setSending(false));
        }}
      >
        <input type="hidden" name="intent" value="handover" />
        <input type="hidden" name="code" value={code} />
        <input type="hidden" name="clientRef" value={clientRef} />
        {formError ? (
          <p role="alert" className="field-error text-base">
            {t(`handover.errors.${formError}`, { defaultValue: t(`handover.refusals.${formError}`, { defaultValue: t("handover.errors.generic") }) })}
          </p>
        ) : null}
        <ul className="space-y-3">
          {open.map((l, i) => {
            const id = `qty-${l.lineId}`;
            const error = errors[`lines[${i}].quantity`]?.[0];
            const value = qty[l.lineId] ?? 0;
            const setValue = (n: number) => setQty((q) => ({ ...q, [l.lineId]: Math.max(0, Math.min(l.remaining, n)) }));
            return (
              <li key={l.lineId} className="rounded-xl bg-surface p-3">
                <input type="hidden" name={`lines[${i}].lineId`} value={l.lineId} />
                <label htmlFor={id} className="block text-xl font-semibold">
                  {l.title} <span className="text-base font-normal text-muted">{l.spec}</span>
                </label>
                <p className="text-sm text-muted">{t("handover.order.remaining", { remaining: l.remaining, owed: l.owed })}</p>
                <div className="mt-2 flex items-center gap-2">
                  {onConfirm ? (
                    <button type="button" className="btn-secondary size-12 shrink-0 px-0" onClick={() => setValue(value - 1)} disabled={value <= 0} aria-label={t("handover.order.less", { title: l.title })}>
                      <Minus aria-hidden className="size-5" />
                    </button>
                  ) : null}
                  <input
                    id={id}
                    name={`lines[${i}].quantity`}
                    type="number"
                    inputMode="numeric"
                    min={0}
                    max={l.remaining}
                    step={1}
                    value={value}
                    onChange={(e) => setValue(Number(e.currentTarget.value) || 0)}
                    className="field-input tabular min-h-12 w-24 text-center text-2xl font-bold"
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${id}-error` : undefined}
                  />
                  {onConfirm ? (
                    <button type="button" className="btn-secondary size-12 shrink-0 px-0" onClick={() => setValue(value + 1)} disabled={value >= l.remaining} aria-label={t("handover.order.more", { title: l.title })}>
                      <Plus aria-hidden className="size-5" />
                    </button>
                  ) : null}
                  <span className="text-sm text-muted">{t("handover.order.unit")}</span>
                </div>
                {error ? (
                  <p id={`${id}-error`} role="alert" className="field-error">
                    {t(`handover.errors.${error}`, { defaultValue: t(`handover.refusals.${error}`, { defaultValue: t("handover.errors.generic") }) })}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
        <button type="submit" className="btn-primary min-h-14 w-full text-lg" disabled={busy || sending || (onConfirm !== undefined && units === 0)}>
          {onConfirm ? t("handover.order.confirmUnits", { count: units }) : t("handover.order.confirm")}
        </button>
        {onCancel ? (
          <button type="button" className="btn-secondary min-h-12 w-full" onClick={onCancel}>
            {t("handover.order.cancel")}
          </button>
        ) : null}
      </Form>
    </section>
  );
}
