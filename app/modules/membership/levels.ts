import type { MembershipLevels } from "~/modules/settings/catalogue";

export const MEMBER_LEVELS = ["normal", "silver", "gold"] as const;
export type MemberLevel = (typeof MEMBER_LEVELS)[number];

/** The days of spend a level counts (SPEC §6: "levels by spend", over the last 12 months). */
export const LEVEL_WINDOW_DAYS = 365;

/** The highest level whose threshold the spend (integer fen) reaches. */
export function levelForSpend(spendFen: number, levels: MembershipLevels): MemberLevel {
  if (spendFen >= levels.gold.thresholdFen) return "gold";
  if (spendFen >= levels.silver.thresholdFen) return "silver";
  return "normal";
}
