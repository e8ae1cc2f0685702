import * as v from "valibot";
import { ratioPermille } from "~/modules/analytics/numbers";
import { MAX_PROMOTION_DAYS, shanghaiLocalToEpoch } from "~/modules/merchants/onboarding-schemas";
import { parseWholeNumber, parseYuanToFen } from "~/modules/settings/units";
import { GROUP_CAMPAIGN_STATUSES } from "~/db/enums";
import { MAX_GROUP_SIZE, MAX_TIERS, MIN_GROUP_SIZE, validateTiers, type GroupTier } from "./tiers";

/**
 * The forms of group-deal campaigns (拼团活动): the merchant's create form, pause/resume, and the
 * admin's approve/reject. Plain schemas the browser runs too; what needs the database or the clock
 * (the SKU's owner and list price, overlapping campaigns, a window in the past) is checked by
 * campaigns.server.ts, which answers on the same fields.
 *
 * The tier ladder is entered as up to MAX_TIERS rows of "head count + unit price in yuan" (fixed
 * rows, so the form works before JavaScript loads). A row left wholly empty is ignored; a half
 * filled row is an error on its empty half. Every tier error names its row's field
 * (`tiers[2].price`), so the message sits under the box to correct.
 */

export const CAMPAIGN_INTENTS = { create: "create-campaign", pause: "pause-campaign", resume: "resume-campaign" } as const;

/** Group duration in whole hours, and units one shopper may hold per campaign. */
export const MIN_DURATION_HOURS = 1;
export const MAX_DURATION_HOURS = 72;
export const MAX_PER_USER_LIMIT = 99;

/** A campaign's status filter on the admin page (`all` = every status). */
export const CAMPAIGN_STATUS_FILTERS = ["all", ...GROUP_CAMPAIGN_STATUSES] as const;
export type CampaignStatusFilter = (typeof CAMPAIGN_STATUS_FILTERS)[number];

const Id = (prefix: string, required: string, invalid: string) => v.pipe(v.string(required), v.regex(new RegExp(`^${prefix}_[0-9a-z]{1,40}$`), invalid));

const WholeIn = (min: number, max: number, required: string, invalid: string) =>
  v.pipe(
    v.string(required),
    v.trim(),
    v.nonEmpty(required),
    v.transform((s) => parseWholeNumber(s) ?? Number.NaN),
    v.check((n) => Number.isSafeInteger(n) && n >= min && n <= max, invalid),
  );

const When = (required: string) =>
  v.pipe(
    v.string(required),
    v.nonEmpty(required),
    v.transform(shanghaiLocalToEpoch),
    v.check((n) => Number.isFinite(n), "time_invalid"),
  );

/** One row of the tier table as the form sends it: both halves optional (an empty row is skipped). */
const TierRow = v.optional(
  v.object({
    size: v.optional(v.string()),
    price: v.optional(v.string()),
  }),
);

/** A tier read from its row (`row` = its position in the form, for field errors). */
export interface TierEntry extends GroupTier {
  row: number;
}

export interface TierIssue {
  /** The form field: `tiers` (the whole ladder) or `tiers[<row>].size|price`. */
  field: string;
  code: string;
}

const blank = (s: string | undefined) => s === undefined || s.trim() === "";

/**
 * Reads the tier rows as typed: head counts are whole numbers MIN_GROUP_SIZE..MAX_GROUP_SIZE
 * (full-width digits accepted), prices are yuan with up to 2 decimals, read to integer fen by
 * string arithmetic (parseYuanToFen: no floating point). Returns the filled rows, or the problems
 * of each row.
 */
export function readTierRows(rows: ReadonlyArray<{ size?: string; price?: string } | undefined>): { entries: TierEntry[]; issues: TierIssue[] } {
  const entries: TierEntry[] = [];
  const issues: TierIssue[] = [];
  rows.forEach((r, row) => {
    if (!r || (blank(r.size) && blank(r.price))) return;
    const size = blank(r.size) ? null : parseWholeNumber(r.size!);
    const price = blank(r.price) ? null : parseYuanToFen(r.price!);
    if (blank(r.size)) issues.push({ field: `tiers[${row}].size`, code: "tier_size_required" });
    else if (size === null || size < MIN_GROUP_SIZE || size > MAX_GROUP_SIZE) issues.push({ field: `tiers[${row}].size`, code: "tier_size_invalid" });
    if (blank(r.price)) issues.push({ field: `tiers[${row}].price`, code: "tier_price_required" });
    else if (price === null || price < 1) issues.push({ field: `tiers[${row}].price`, code: "tier_price_invalid" });
    if (size !== null && price !== null) entries.push({ row, size, unitPriceFen: price });
  });
  return { entries, issues };
}

/**
 * Checks a ladder with the lead's rules (tiers.ts `validateTiers`): at least one tier, sizes
 * strictly increasing and prices strictly decreasing once sorted by size, and — with the SKU's
 * price — the first tier below it. The problem is put on the row to fix: a repeated head count on
 * the later row's size, a price that does not fall on the bigger tier's price, a first tier at or
 * above the list price on that tier's price.
 */
export function checkTiers(entries: readonly TierEntry[], listPriceFen?: number): { ok: true; tiers: GroupTier[] } | { ok: false; issue: TierIssue } {
  const checked = validateTiers(
    entries.map((e) => ({ size: e.size, unitPriceFen: e.unitPriceFen })),
    listPriceFen,
  );
  if (checked.ok) return { ok: true, tiers: checked.tiers };
  const { problem } = checked;
  // validateTiers sorts a copy the same way (a stable sort by size): its sorted index maps back here.
  const sorted = [...entries].sort((a, b) => a.size - b.size);
  switch (problem.code) {
    case "tiers_count":
      return { ok: false, issue: { field: "tiers", code: entries.length === 0 ? "tiers_required" : "tiers_too_many" } };
    case "tier_size":
      return { ok: false, issue: { field: `tiers[${entries[problem.index]!.row}].size`, code: "tier_size_invalid" } };
    case "tier_price":
      return { ok: false, issue: { field: `tiers[${entries[problem.index]!.row}].price`, code: "tier_price_invalid" } };
    case "tier_order": {
      const here = sorted[problem.index]!;
      const before = sorted[problem.index - 1]!;
      return here.size === before.size
        ? { ok: false, issue: { field: `tiers[${here.row}].size`, code: "tier_size_repeated" } }
        : { ok: false, issue: { field: `tiers[${here.row}].price`, code: "tier_price_not_lower" } };
    }
    case "tier_above_list_price":
      return { ok: false, issue: { field: `tiers[${sorted[0]!.row}].price`, code: "tier_above_list_price" } };
  }
}

/** A valibot path to a form field name such as `tiers[2].price` (conform reads the keys). */
function pathTo(field: string, input: unknown): [v.IssuePathItem, ...v.IssuePathItem[]] {
  const keys = field.split(/[.[\]]+/).filter(Boolean);
  return keys.map((key) => ({ type: "unknown", origin: "value", input, key: /^\d+$/.test(key) ? Number(key) : key, value: undefined })) as unknown as [
    v.IssuePathItem,
    ...v.IssuePathItem[],
  ];
}

const DAY_MS = 24 * 60 * 60 * 1000;

const isText = (x: unknown) => x === undefined || typeof x === "string";

function isTierRows(rows: unknown): rows is Array<{ size?: string; price?: string } | undefined> {
  return (
    Array.isArray(rows) &&
    rows.length <= MAX_TIERS &&
    rows.every((r) => r === undefined || (typeof r === "object" && r !== null && isText((r as { size?: unknown }).size) && isText((r as { price?: unknown }).price)))
  );
}

/** The merchant's create form. `tiers` comes out sorted by size, in fen. */
export const CreateCampaignInput = v.pipe(
  v.object({
    intent: v.literal(CAMPAIGN_INTENTS.create),
    skuId: Id("sku", "sku_required", "sku_invalid"),
    // No row filled: conform sends no key at all (no valibot default in a conform schema).
    tiers: v.pipe(
      v.optional(v.array(TierRow)),
      v.transform((rows) => rows ?? []),
      v.maxLength(MAX_TIERS, "tiers_too_many"),
    ),
    durationHours: WholeIn(MIN_DURATION_HOURS, MAX_DURATION_HOURS, "duration_required", "duration_invalid"),
    perUserLimit: WholeIn(1, MAX_PER_USER_LIMIT, "per_user_limit_required", "per_user_limit_invalid"),
    startsAt: When("starts_at_required"),
    endsAt: When("ends_at_required"),
    // A checkbox: "on" when ticked, absent otherwise.
    leaderOnly: v.optional(v.string()),
  }),
  v.forward(
    v.check((i) => !Number.isFinite(i.startsAt + i.endsAt) || i.endsAt > i.startsAt, "window_order"),
    ["endsAt"],
  ),
  v.forward(
    v.check((i) => !Number.isFinite(i.startsAt + i.endsAt) || i.endsAt - i.startsAt <= MAX_PROMOTION_DAYS * DAY_MS, "window_too_long"),
    ["endsAt"],
  ),
  // The ladder is checked even when another field failed, so every error shows at once.
  v.rawCheck(({ dataset, addIssue }) => {
    const rows = (dataset.value as { tiers?: unknown } | undefined)?.tiers;
    if (!isTierRows(rows)) return; // the field's own issue says what is wrong
    const { entries, issues } = readTierRows(rows);
    let problems = issues;
    if (!problems.length) {
      const checked = checkTiers(entries);
      if (!checked.ok) problems = [checked.issue];
    }
    for (const p of problems) addIssue({ message: p.code, path: pathTo(p.field, dataset.value) });
  }),
  v.transform((i) => ({ ...i, tiers: readTierRows(i.tiers ?? []).entries, durationMinutes: i.durationHours * 60, leaderOnly: i.leaderOnly === "on" || i.leaderOnly === "true" })),
);
export type CreateCampaignInput = v.InferOutput<typeof CreateCampaignInput>;

/** Pause or resume one of the merchant's own campaigns. */
export const CampaignStateInput = v.object({
  intent: v.picklist([CAMPAIGN_INTENTS.pause, CAMPAIGN_INTENTS.resume], "intent_invalid"),
  campaignId: Id("gdc", "campaign_required", "campaign_invalid"),
});
export type CampaignStateInput = v.InferOutput<typeof CampaignStateInput>;

/** The admin's decision; a rejection says why (the merchant reads it in their inbox). */
export const ReviewCampaignInput = v.variant(
  "intent",
  [
    v.object({
      intent: v.literal("approve"),
      campaignId: Id("gdc", "campaign_required", "campaign_invalid"),
    }),
    v.object({
      intent: v.literal("reject"),
      campaignId: Id("gdc", "campaign_required", "campaign_invalid"),
      reason: v.pipe(v.string("reject_reason_required"), v.trim(), v.minLength(2, "reject_reason_required"), v.maxLength(200, "reason_too_long")),
    }),
  ],
  "intent_invalid",
);
export type ReviewCampaignInput = v.InferOutput<typeof ReviewCampaignInput>;

/** Reads the admin list's status filter from the URL; anything unknown is `all`. */
export function parseStatusFilter(value: string | null): CampaignStatusFilter {
  return (CAMPAIGN_STATUS_FILTERS as readonly string[]).includes(value ?? "") ? (value as CampaignStatusFilter) : "all";
}

// ---------------------------------------------------------------------------------------------
// What the pages show

export type CampaignStatus = (typeof GROUP_CAMPAIGN_STATUSES)[number];

/**
 * Where a campaign stands for people: its review status, and for an approved one whether its
 * window is ahead (`scheduled`), open (`running`) or over (`ended`). A campaign whose window is over
 * reads `ended` whatever it was waiting for, except a rejection, which stays one.
 */
export type CampaignPhase = "pending_review" | "rejected" | "scheduled" | "running" | "paused" | "ended";

export function campaignPhase(c: { status: CampaignStatus; startsAt: number; endsAt: number }, now: number): CampaignPhase {
  if (c.status === "rejected") return "rejected";
  if (c.endsAt <= now) return "ended";
  if (c.status === "pending_review" || c.status === "paused") return c.status;
  return c.startsAt > now ? "scheduled" : "running";
}

/** What a campaign's groups did, counted from `group_deals`. */
export interface CampaignStats {
  started: number;
  open: number;
  succeeded: number;
  failed: number;
  /** Paid members over all its groups (members of failed groups included: they paid, then got refunded). */
  membersPaid: number;
  /** Succeeded ÷ closed (succeeded + failed), per mille rounded half up; null before any group closed. */
  successPermille: number | null;
}

export function campaignStats(counts: { started: number; open: number; succeeded: number; failed: number; membersPaid: number }): CampaignStats {
  return { ...counts, successPermille: ratioPermille(counts.succeeded, counts.succeeded + counts.failed) };
}

export const NO_GROUPS: CampaignStats = Object.freeze(campaignStats({ started: 0, open: 0, succeeded: 0, failed: 0, membersPaid: 0 }));
