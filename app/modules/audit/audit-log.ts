import * as v from "valibot";

/**
 * The areas an audit action belongs to: the part of its name before the first dot
 * ("merchant.approve" → merchant). The audit page filters by them; a unit test checks that every
 * action the code writes falls in one.
 */
export const AUDIT_GROUPS = [
  "user",
  "admin-role",
  "setting",
  "merchant",
  "leader",
  "product",
  "fulfilment",
  "after_sales",
  "order",
  "pickup",
  "withdrawal",
  "group_deal",
  "flash_sale",
  "reconciliation",
  "dead_letter",
  "review",
  "coupon",
] as const;
export type AuditGroup = (typeof AUDIT_GROUPS)[number];

const ymd = v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "date_invalid"));

/** `<epoch ms>_<entry id>`: the last entry of the previous page. */
const Cursor = v.pipe(
  v.string(),
  v.regex(/^\d{1,15}_[a-z]{3}_[0-9a-z]{20}$/, "cursor_invalid"),
  v.transform((s) => {
    const i = s.indexOf("_");
    return { at: Number(s.slice(0, i)), id: s.slice(i + 1) };
  }),
);

const optionalText = (max: number, code: string) =>
  v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max, code), v.transform((s) => (s === "" ? undefined : s))));

/** The audit page's filters, all from the URL (shareable, back-button safe). */
export const AuditQuery = v.pipe(
  v.object({
    q: optionalText(100, "query_too_long"),
    group: v.optional(v.picklist(AUDIT_GROUPS, "group_invalid")),
    actor: v.optional(v.pipe(v.string(), v.regex(/^usr_[0-9a-z]{20}$/, "actor_invalid"))),
    entityType: v.optional(v.pipe(v.string(), v.regex(/^[a-z_-]{1,40}$/, "entity_type_invalid"))),
    entityId: optionalText(64, "entity_id_invalid"),
    from: v.optional(ymd),
    to: v.optional(ymd),
    cursor: v.optional(Cursor),
  }),
  v.forward(
    v.check((q) => !q.from || !q.to || q.from <= q.to, "range_invalid"),
    ["to"],
  ),
);
export type AuditQuery = v.InferOutput<typeof AuditQuery>;

export const AUDIT_QUERY_KEYS = ["q", "group", "actor", "entityType", "entityId", "from", "to", "cursor"] as const;

/** Reads the filters from the URL; empty parameters count as absent. */
export function parseAuditQuery(params: URLSearchParams) {
  const input: Record<string, string> = {};
  for (const key of AUDIT_QUERY_KEYS) {
    const value = params.get(key);
    if (value) input[key] = value;
  }
  return v.safeParse(AuditQuery, input);
}

/** The i18n key of an action's label ("merchant.approve" → "adminAudit.action.merchant_approve"). */
export function auditActionKey(action: string): string {
  return `adminAudit.action.${action.replace(/[.-]/g, "_")}`;
}
