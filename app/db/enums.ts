/**
 * The value lists some columns are limited to, in a module of their own: pages and shared modules
 * import them from here, so the browser bundles get these arrays and not the drizzle table
 * definitions around them (the whole database layout would ship to every browser otherwise; the
 * client-bundle scan in tests/integration/client-bundle-secrets.test.ts looks for it).
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

export const GROUP_CAMPAIGN_STATUSES = ["pending_review", "approved", "rejected", "paused"] as const;

export const FLASH_SALE_STATUSES = ["pending_review", "approved", "rejected", "paused"] as const;
