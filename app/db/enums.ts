/**
 * Column value lists that browser code needs too (form schemas, status filters). They live apart
 * from the table definitions so that importing one does not pull drizzle-orm and the tables into
 * the client bundle; the schema files import them from here and re-export them.
 */
export const ORDER_STATUS_VALUES = [
  "pending_payment",
  /** A group-deal order, paid at the first tier's price, waiting for its group to close (ADR 017). */
  "awaiting_group",
  "paid",
  "confirmed",
  "shipped",
  "ready_for_pickup",
  "picked_up",
  "completed",
  "cancelled",
  "refunding",
  "refunded",
] as const;

/** How an order reaches the shopper: collected at the pickup point, or taken to the door by the leader. */
export const FULFILMENT_METHODS = ["pickup", "door"] as const;

export const FLASH_SALE_STATUSES = ["pending_review", "approved", "rejected", "paused"] as const;
export const GROUP_CAMPAIGN_STATUSES = ["pending_review", "approved", "rejected", "paused"] as const;
