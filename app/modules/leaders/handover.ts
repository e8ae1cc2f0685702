/**
 * Pickup hand-over: the pure pieces shared by the server (app/modules/leaders/handover.server.ts),
 * the hand-over page and its offline queue (browser-safe: no server imports).
 *
 * A shopper's pickup QR encodes `TG-PICKUP:<8 digits>` (app/routes/_shop.orders.$id.tsx); the
 * digits are also printed under it, so the leader can type them.
 */
export const PICKUP_QR_PREFIX = "TG-PICKUP:";
export const PICKUP_CODE_RE = /^\d{8}$/;

/** Refusals a hand-over can meet, each with its own message (handover.refusals.<code>). */
export const HANDOVER_REFUSALS = [
  "code_not_found",
  "code_other_point",
  "order_not_found",
  "already_collected",
  "not_arrived",
  "order_refunding",
  "order_refunded",
  "order_cancelled",
  "handover_conflict",
  "quantity_over_remaining",
  "idempotency_key_reused",
  "rate_limited",
] as const;
export type HandoverRefusal = (typeof HANDOVER_REFUSALS)[number];

/** Field-level problems with the requested lines (answered 400). */
export type HandoverLineError = "line_unknown" | "line_duplicate" | "quantity_invalid" | "nothing_selected";

/**
 * The 8-digit code in what a scanner read or a person typed: the QR payload `TG-PICKUP:12345678`,
 * or the digits alone, with spaces or dashes between groups and full-width digits (a Chinese
 * keyboard's) accepted. Anything else is null.
 */
export function parsePickupCode(input: string): string | null {
  let text = input.trim();
  if (text.toUpperCase().startsWith(PICKUP_QR_PREFIX)) text = text.slice(PICKUP_QR_PREFIX.length);
  text = text.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48)).replace(/[\s\-\u3000]/g, "");
  return PICKUP_CODE_RE.test(text) ? text : null;
}

/** What the client-matchable digest is computed over: the code is only unique within one point. */
export function codeDigestInput(pickupPointId: string, code: string): string {
  return `${pickupPointId}:${code}`;
}

/** SHA-256 as lower-case hex, with WebCrypto (the Worker and the browser alike). */
export async function sha256Hex(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** The digest the pickup list carries per order, and the one the page computes from a scanned code. */
export function pickupCodeDigest(pickupPointId: string, code: string): Promise<string> {
  return sha256Hex(codeDigestInput(pickupPointId, code));
}

/** Why an order that is not `ready_for_pickup` cannot be handed over. */
export function refusalForStatus(status: string): HandoverRefusal | null {
  switch (status) {
    case "ready_for_pickup":
      return null;
    case "picked_up":
    case "completed":
      return "already_collected";
    case "refunding":
      return "order_refunding";
    case "refunded":
      return "order_refunded";
    case "cancelled":
      return "order_cancelled";
    default:
      // pending_payment, paid, confirmed, shipped: the goods are not at the point yet.
      return "not_arrived";
  }
}

export interface HandoverLineState {
  id: string;
  quantity: number;
  refundedQty: number;
  pickedUpQty: number;
}

/** Units of a line still to hand over: bought, minus refunded (e.g. a shortage), minus collected. */
export function remainingQty(line: HandoverLineState): number {
  return Math.max(0, line.quantity - line.refundedQty - line.pickedUpQty);
}

export interface RequestedLine {
  lineId: string;
  quantity: number;
}

export type HandoverPlan =
  | { ok: true; lines: RequestedLine[]; units: number; completes: boolean }
  | { ok: false; error: { code: HandoverLineError; field: string } }
  | { ok: false; error: { code: "quantity_over_remaining"; field: string } };

/**
 * What a hand-over collects. Without `requested`, every remaining unit (the default: the whole
 * order). With it, each named line's quantity (0 = not this time), which must be a whole number
 * no larger than what remains; lines left out are not collected this time. `completes` says
 * whether nothing of the order remains afterwards.
 */
export function planHandover(lines: readonly HandoverLineState[], requested?: readonly RequestedLine[]): HandoverPlan {
  const byId = new Map(lines.map((l) => [l.id, l]));
  let chosen: RequestedLine[];
  if (!requested) {
    chosen = lines.map((l) => ({ lineId: l.id, quantity: remainingQty(l) }));
  } else {
    const seen = new Set<string>();
    chosen = [];
    for (const [index, r] of requested.entries()) {
      const line = byId.get(r.lineId);
      if (!line) return { ok: false, error: { code: "line_unknown", field: `lines[${index}].lineId` } };
      if (seen.has(r.lineId)) return { ok: false, error: { code: "line_duplicate", field: `lines[${index}].lineId` } };
      seen.add(r.lineId);
      if (!Number.isSafeInteger(r.quantity) || r.quantity < 0) return { ok: false, error: { code: "quantity_invalid", field: `lines[${index}].quantity` } };
      if (r.quantity > remainingQty(line)) return { ok: false, error: { code: "quantity_over_remaining", field: `lines[${index}].quantity` } };
      chosen.push({ lineId: r.lineId, quantity: r.quantity });
    }
  }
  chosen = chosen.filter((c) => c.quantity > 0);
  const units = chosen.reduce((s, c) => s + c.quantity, 0);
  if (units === 0) return { ok: false, error: { code: "nothing_selected", field: "lines" } };
  const open = lines.reduce((s, l) => s + remainingQty(l), 0);
  return { ok: true, lines: chosen, units, completes: units === open };
}

// ---------- the hand-over page's pickup list ----------

export interface PickupListLine {
  lineId: string;
  title: string;
  spec: string;
  /** Units left to hand over. */
  remaining: number;
  /** Units bought less refunded (what the customer is owed in all). */
  owed: number;
}

export interface PickupListOrder {
  orderId: string;
  /** SHA-256 hex of `<pointId>:<code>` (see pickupCodeDigest). */
  digest: string;
  customerName: string;
  phoneMasked: string | null;
  door: boolean;
  /** When the goods arrived at the point (UTC epoch ms). */
  readySince: number;
  lines: PickupListLine[];
}

/** An order the point knows that cannot be handed over now, so the page can say why even offline. */
export interface PickupListOther {
  digest: string;
  refusal: "not_arrived" | "already_collected";
}

/** The day's pickup list as the hand-over page (and its offline copy) holds it. */
export interface PickupList {
  pickupPointId: string;
  /** When the server produced it (UTC epoch ms): the newer of two copies wins. */
  generatedAt: number;
  orders: PickupListOrder[];
  others: PickupListOther[];
  /** client refs of hand-overs the server has recorded lately (so a queued one is never applied twice). */
  recorded: string[];
}

export type LocalMatch =
  | { kind: "order"; order: PickupListOrder }
  | { kind: "refused"; refusal: HandoverRefusal }
  | { kind: "unknown" };

/** Finds a scanned or typed code in the local list (no network). */
export async function matchCode(list: PickupList, code: string): Promise<LocalMatch> {
  const digest = await pickupCodeDigest(list.pickupPointId, code);
  const order = list.orders.find((o) => o.digest === digest);
  if (order) {
    return order.lines.some((l) => l.remaining > 0) ? { kind: "order", order } : { kind: "refused", refusal: "already_collected" };
  }
  const other = list.others.find((o) => o.digest === digest);
  return other ? { kind: "refused", refusal: other.refusal } : { kind: "unknown" };
}

/**
 * The list after a hand-over (made here, queued, or confirmed by the server): the lines'
 * remaining units go down; an order with nothing left moves to `others` as collected, so the same
 * code is refused at once, also offline. Returns a new list; the input is not changed.
 */
export function applyHandoverToList(list: PickupList, handover: { clientRef: string; orderId: string; lines: readonly RequestedLine[] }): PickupList {
  if (list.recorded.includes(handover.clientRef)) return list;
  const orders: PickupListOrder[] = [];
  const others = [...list.others];
  for (const o of list.orders) {
    if (o.orderId !== handover.orderId) {
      orders.push(o);
      continue;
    }
    const lines = o.lines.map((l) => {
      const taken = handover.lines.find((h) => h.lineId === l.lineId)?.quantity ?? 0;
      return { ...l, remaining: Math.max(0, l.remaining - taken) };
    });
    if (lines.some((l) => l.remaining > 0)) orders.push({ ...o, lines });
    else others.push({ digest: o.digest, refusal: "already_collected" });
  }
  return { ...list, orders, others, recorded: [...list.recorded, handover.clientRef] };
}

/** A hand-over waiting on the device to be sent (confirmed offline, or its POST failed). */
export interface QueuedHandover {
  clientRef: string;
  code: string;
  orderId: string;
  lines: RequestedLine[];
  handedAt: number;
  offline: boolean;
  /** For the conflict report, should the server refuse it later. */
  customerName: string;
  summary: string;
  attempts: number;
}

/** The list as the leader sees it: the stored copy with every queued hand-over applied. */
export function withQueueApplied(list: PickupList, queue: readonly QueuedHandover[]): PickupList {
  return queue.reduce((acc, q) => applyHandoverToList(acc, q), list);
}

/** The newer of two copies of the list (by generatedAt; a copy for another point never wins). */
export function newerList(a: PickupList | null | undefined, b: PickupList | null | undefined): PickupList | null {
  if (!a) return b ?? null;
  if (!b || b.pickupPointId !== a.pickupPointId) return a;
  return b.generatedAt > a.generatedAt ? b : a;
}

/** How a sync attempt's answer is handled: done, refused for good (reported), or try again later. */
export function syncDisposition(status: number): "done" | "refused" | "retry" | "signed_out" {
  if (status === 200 || status === 201) return "done";
  if (status === 401) return "signed_out";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "refused";
}

/** Retry delay after `attempts` failed tries: 5 s, 10 s, 20 s … capped at 2 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(120_000, 5_000 * 2 ** Math.max(0, attempts - 1));
}
