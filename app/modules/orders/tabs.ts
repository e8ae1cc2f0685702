import type { OrderStatus } from "./state-machine";

/** The order list's tabs and the statuses each shows (shared by the page and the API). */
export const ORDER_LIST_TABS = {
  all: null,
  unpaid: ["pending_payment"],
  active: ["awaiting_group", "paid", "confirmed", "shipped", "ready_for_pickup"],
  done: ["picked_up", "completed"],
  after_sales: ["refunding", "refunded"],
} as const satisfies Record<string, readonly OrderStatus[] | null>;
export type OrderListTab = keyof typeof ORDER_LIST_TABS;
