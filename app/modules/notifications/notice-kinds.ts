/**
 * The notice kinds, how each renders (translations `notices.kinds.<kind>.title|body`, the notice's
 * `data` as values) and how its Web Push travels. Pure: the inbox renders with the page's `t`, the
 * push sender with the recipient's language on the server.
 */
import type { Urgency } from "./web-push";

export const NOTICE_KINDS = [
  "leader.new_order",
  "leader.batch_shipped",
  "leader.application_approved",
  "leader.application_rejected",
  "leader.orders_uncollected",
  "merchant.batch_arrived",
  "merchant.product_approved",
  "merchant.product_rejected",
  "merchant.application_approved",
  "merchant.application_rejected",
  "merchant.group_deal_approved",
  "merchant.group_deal_rejected",
  "merchant.flash_sale_approved",
  "merchant.flash_sale_rejected",
  "admin.flash_sale_mismatch",
  "order.ready_for_pickup",
  "order.picked_up",
  "order.uncollected",
  "order.uncollected_returned",
  "order.uncollected_forfeited",
  "order.group_succeeded",
  "order.group_failed",
  "order.flash_sale_started",
  "order.review_replied",
  "money.withdrawal_paid",
  "money.withdrawal_rejected",
  "money.withdrawal_failed",
  "admin.reconciliation_differences",
  "share.reward_points",
  "share.reward_coupon",
  "share.reward_fallback",
  "coupon.issued",
  "coupon.birthday",
  "coupon.expiring",
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export type NoticeData = Record<string, string | number>;

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** i18next option names a data key must never override. */
const RESERVED = new Set(["defaultValue", "lng", "lngs", "ns", "keyPrefix", "context", "returnObjects", "replace", "interpolation", "postProcess"]);

function values(data: NoticeData): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(data)) if (!RESERVED.has(k) && (typeof v === "string" || typeof v === "number")) out[k] = v;
  return out;
}

/** Title and body of a notice in the language `t` speaks; an unknown kind reads as a generic notice. */
export function renderNotice(t: Translate, notice: { kind: string; data: NoticeData }): { title: string; body: string } {
  const known = /^[a-z_]+(\.[a-z_]+)*$/.test(notice.kind);
  const v = values(notice.data);
  const fallbackTitle = t("notices.fallback.title");
  const fallbackBody = t("notices.fallback.body");
  if (!known) return { title: fallbackTitle, body: fallbackBody };
  return {
    title: t(`notices.kinds.${notice.kind}.title`, { ...v, defaultValue: fallbackTitle }),
    body: t(`notices.kinds.${notice.kind}.body`, { ...v, defaultValue: fallbackBody }),
  };
}

export interface PushPolicy {
  /** Seconds the push service keeps it for a phone that is offline. */
  ttl: number;
  urgency: Urgency;
  /** Notification tag on the device: a newer notice with the same tag replaces the shown one. */
  tag: string;
  /** Push-service topic (RFC 8030 §5.4): replaces a still-undelivered message with the same topic. */
  topic?: string;
}

const HOUR = 3600;
const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
/** Tags and topics are built from ids; keep them to the topic alphabet and length. */
const token = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 32);

export function pushPolicy(notice: { kind: string; data: NoticeData; link?: string | null }): PushPolicy {
  switch (notice.kind) {
    case "leader.new_order":
      // Orders come in bursts before the cut-off: one notification on the device, the latest (the
      // inbox lists them all); a phone that was offline gets only the newest one.
      return { ttl: 6 * HOUR, urgency: "normal", tag: "new-order", topic: "leader-new-order" };
    case "leader.batch_shipped":
      return { ttl: 12 * HOUR, urgency: "normal", tag: token(`shipped-${str(notice.data.batchId)}`) };
    case "merchant.batch_arrived":
      return { ttl: 24 * HOUR, urgency: "normal", tag: token(`arrived-${str(notice.data.batchId)}`) };
    case "order.ready_for_pickup":
      return { ttl: 24 * HOUR, urgency: "high", tag: token(`ready-${str(notice.data.orderId)}`) };
    case "order.flash_sale_started":
      // Worth hearing only while the sale is on and stock lasts: urgent, and dropped after an hour.
      return { ttl: HOUR, urgency: "high", tag: token(`flash-${(notice.link ?? "").split("/").pop() ?? ""}`) };
    default:
      return { ttl: 24 * HOUR, urgency: "normal", tag: token(`${notice.kind}-${notice.link ?? ""}`) || "notice" };
  }
}

/** A stored link is an in-app path; anything else (absolute, protocol-relative, odd characters) is dropped. */
export function safeNoticeLink(link: string | null | undefined): string | null {
  if (!link || !link.startsWith("/") || link.startsWith("//") || /[\u0000-\u001f\u007f\\]/.test(link)) return null;
  return link;
}

/** Where a notice without a link opens: the inbox of the area the notice belongs to. */
export function inboxPathFor(kind: string): string {
  return kind.startsWith("leader.") ? "/leader/notifications" : "/me/notifications";
}
