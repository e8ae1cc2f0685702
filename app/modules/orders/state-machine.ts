import { ORDER_STATUS_VALUES } from "~/db/enums";

/**
 * The order state machine: every status, and the only transitions allowed between them.
 * Every change goes through `transition()` and appends an `order_events` row (see orders.server).
 *
 *   pending_payment ──pay──▶ paid ──cut-off──▶ confirmed ──ship──▶ shipped ──arrive──▶ ready_for_pickup
 *        │                   │  │                  │                                       │
 *      cancel/expire       cancel refund-request   refund-request                       pick-up
 *        ▼                   ▼  ▼                  ▼                                       ▼
 *    cancelled          cancelled refunding ◀──────┴──── (after-sales) ◀──────────── picked_up ──window──▶ completed
 *                                   │
 *                       refund-approve/reject
 *                             ▼          ▼
 *                          refunded   (back to the status it came from)
 *
 * Group deals (ADR 017): pending_payment ──pay_group──▶ awaiting_group ──group_succeeded──▶ paid
 * (the difference to the reached tier refunded), or ──group_failed──▶ refunding ──▶ refunded. The
 * cut-off only takes `paid` orders, so a group order waits until its group has closed.
 *
 * Uncollected goods (app/modules/leaders/uncollected.ts): a ready_for_pickup order the leader marks
 * returned goes to `refunding` when the settings' rule refunds something (return_uncollected; it
 * ends `refunded` once the provider confirms), or straight to `completed` when the rule refunds
 * nothing (forfeit_uncollected: the sale stands).
 */
/** The statuses are declared once, with the orders table (app/db/schema/orders.ts). */
export const ORDER_STATUSES = ORDER_STATUS_VALUES;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_EVENTS = [
  "pay",
  "cancel",
  "expire",
  "cut_off",
  "ship",
  "arrive",
  "pick_up",
  "complete",
  "request_refund",
  "approve_refund",
  "reject_refund",
  "refund_succeeded",
  "return_uncollected",
  "forfeit_uncollected",
  /** Group deals (ADR 017): a group order's payment parks it until its group closes. */
  "pay_group",
  "group_succeeded",
  "group_failed",
] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

/** from → event → to. A missing entry is a refused transition. */
export const TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>>> = {
  pending_payment: { pay: "paid", pay_group: "awaiting_group", cancel: "cancelled", expire: "cancelled" },
  // The shopper cannot cancel while the group is open: the others count on them (the group page says so).
  awaiting_group: { group_succeeded: "paid", group_failed: "refunding" },
  paid: { cancel: "cancelled", cut_off: "confirmed", request_refund: "refunding" },
  confirmed: { ship: "shipped", request_refund: "refunding" },
  shipped: { arrive: "ready_for_pickup", request_refund: "refunding" },
  ready_for_pickup: { pick_up: "picked_up", request_refund: "refunding", return_uncollected: "refunding", forfeit_uncollected: "completed" },
  picked_up: { complete: "completed", request_refund: "refunding" },
  completed: {},
  cancelled: {},
  refunding: { approve_refund: "refunding", refund_succeeded: "refunded" },
  refunded: {},
};

/** Statuses in which the shopper may still cancel by themselves (before the goods ship). */
export const CANCELLABLE: ReadonlySet<OrderStatus> = new Set(["pending_payment", "paid"]);
export const TERMINAL: ReadonlySet<OrderStatus> = new Set(["completed", "cancelled", "refunded"]);

export type TransitionResult = { ok: true; to: OrderStatus } | { ok: false; error: { code: "transition_refused"; from: OrderStatus; event: OrderEvent } };

export function transition(from: OrderStatus, event: OrderEvent): TransitionResult {
  const to = TRANSITIONS[from][event];
  return to ? { ok: true, to } : { ok: false, error: { code: "transition_refused", from, event } };
}

/** For a rejected refund: where the order goes back to (stored on the refund request). */
export function canRequestRefund(status: OrderStatus): boolean {
  return TRANSITIONS[status].request_refund !== undefined;
}
