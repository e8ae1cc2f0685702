import { count, desc, eq, inArray, sql } from "drizzle-orm";
import * as v from "valibot";
import type { AppContext } from "~/context.server";
import { rawBatch, type BatchStatement } from "~/db/raw-batch.server";
import { categories, settingChanges, settings, users } from "~/db/schema";
import { purgeCatalogueStatement } from "~/lib/edge-cache.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import {
  canonicalJson,
  CATEGORY_ID,
  FEATURE_KEYS,
  parseSettingValue,
  SETTING_DEFAULTS,
  SETTING_SCHEMAS,
  type FeatureKey,
  type SettingKey,
  type SettingSection,
  type SettingValue,
} from "./catalogue";

/**
 * Platform settings: reading them (every module), and the admin's versioned changes (ADR 015).
 * The catalogue of keys, types, ranges and defaults is ./catalogue.ts. Orders snapshot the ones
 * that decide their money and deadlines when they are placed (./order-rates.ts), so a change is
 * effective for new orders at once and never retroactive.
 */
export { SETTING_DEFAULTS, SETTING_SCHEMAS, type SettingKey, type SettingValue };

/** Reads several settings in one query; a missing or malformed value falls back to its default. */
export async function getSettings<K extends SettingKey>(ctx: Pick<AppContext, "db">, keys: readonly K[]): Promise<{ [P in K]: SettingValue<P> }> {
  return settingsFromRows(keys, await settingsQuery(ctx, keys));
}

/** The query behind getSettings, for callers that read it inside a `db.batch` with their own reads. */
export function settingsQuery(ctx: Pick<AppContext, "db">, keys: readonly SettingKey[]) {
  return ctx.db.select().from(settings).where(inArray(settings.key, [...keys]));
}

/** Parses the rows settingsQuery returned; a missing or malformed value falls back to its default. */
export function settingsFromRows<K extends SettingKey>(keys: readonly K[], rows: ReadonlyArray<{ key: string; value: string }>): { [P in K]: SettingValue<P> } {
  const out = {} as { [P in K]: SettingValue<P> };
  for (const key of keys) {
    const row = rows.find((r) => r.key === key);
    out[key] = (parseSettingValue(key, row?.value) ?? SETTING_DEFAULTS[key]) as SettingValue<K>;
  }
  return out;
}

/** Whether a feature switch is on (the default when never set). */
export async function isFeatureOn(ctx: Pick<AppContext, "db">, key: FeatureKey): Promise<boolean> {
  return (await getSettings(ctx, [key]))[key];
}

export interface SettingState<K extends SettingKey = SettingKey> {
  key: K;
  value: SettingValue<K>;
  /** 0 while the key has never been saved (no row: the default applies). */
  version: number;
  updatedAt: number | null;
}

/** The current value and version of each key (what the admin page renders and its forms carry). */
export async function getSettingStates<K extends SettingKey>(ctx: Pick<AppContext, "db">, keys: readonly K[]): Promise<{ [P in K]: SettingState<P> }> {
  const rows = await ctx.db.select().from(settings).where(inArray(settings.key, [...keys]));
  const out = {} as { [P in K]: SettingState<P> };
  for (const key of keys) {
    const row = rows.find((r) => r.key === key);
    out[key] = {
      key,
      value: (parseSettingValue(key, row?.value) ?? SETTING_DEFAULTS[key]) as SettingValue<K>,
      version: row?.version ?? 0,
      updatedAt: row?.updatedAt ?? null,
    } as SettingState<K>;
  }
  return out;
}

/** The ids among `ids` that are not categories (what a per-category override may not name). */
export async function unknownCategoryIds(ctx: Pick<AppContext, "db">, ids: readonly string[]): Promise<string[]> {
  const wellFormed = [...new Set(ids)].filter((id) => CATEGORY_ID.test(id));
  const known = new Set<string>();
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < wellFormed.length; i += 90) {
    const rows = await ctx.db.select({ id: categories.id }).from(categories).where(inArray(categories.id, wellFormed.slice(i, i + 90)));
    for (const r of rows) known.add(r.id);
  }
  return ids.filter((id) => !known.has(id));
}

export type SaveSettingsError = "version_conflict" | "invalid_value";

/** Guard statements abort the batch by evaluating json() of a non-JSON text (RAISE() exists only in triggers). */
const CONFLICT_MARK = "settings_version_conflict";
function isConflict(error: unknown): boolean {
  const text = `${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;
  return /malformed JSON/.test(text) || /UNIQUE constraint failed: settings\.key/.test(text);
}

/**
 * Saves one section of the admin page. `expectedVersions` are the versions the form was rendered
 * with, for every key of the section; `values` the section's submitted values (already validated
 * by the caller; checked again here). Only keys whose value changed are written.
 *
 * Everything goes in ONE D1 batch (one transaction): first a guard per key of the section that
 * aborts the batch unless its version is still the expected one (so of two racing saves made from
 * the same page, the second finds the first's version and writes nothing), then per changed key
 * the settings row (version + 1; inserted at version 1 when the key was never saved; the UPDATE is
 * itself conditional on the version), a `setting_changes` row (old → new, the new version, the
 * reason), and one audit row `setting.update` listing every change. Changing a feature switch also
 * retires the cached catalogue pages, which may show or hide a feature.
 *
 * A stale version answers `version_conflict` and nothing is written. Saving unchanged values
 * answers ok with no changed keys and writes nothing.
 */
export async function saveSettings(
  ctx: AppContext,
  input: {
    actorUserId: string;
    section: SettingSection;
    reason: string | null;
    expectedVersions: Partial<Record<SettingKey, number>>;
    values: Partial<{ [K in SettingKey]: SettingValue<K> }>;
  },
  now = Date.now(),
): Promise<Result<{ changed: Array<{ key: SettingKey; version: number }> }, SaveSettingsError>> {
  const guarded = Object.keys(input.expectedVersions) as SettingKey[];
  const submitted = Object.keys(input.values) as SettingKey[];
  const keys = [...new Set([...guarded, ...submitted])];
  if (!keys.length) return ok({ changed: [] });
  // A value's version must be checked too: a save never writes a key its form did not render.
  if (submitted.some((k) => input.expectedVersions[k] === undefined)) return fail("version_conflict");
  const rows = await ctx.db.select().from(settings).where(inArray(settings.key, keys));
  const rowOf = (key: SettingKey) => rows.find((r) => r.key === key);
  if (guarded.some((k) => (rowOf(k)?.version ?? 0) !== input.expectedVersions[k])) return fail("version_conflict");

  const changes: Array<{ key: SettingKey; oldJson: string; newJson: string; old: unknown; new: unknown; version: number }> = [];
  for (const key of submitted) {
    const checked = v.safeParse(SETTING_SCHEMAS[key] as v.GenericSchema, input.values[key]);
    if (!checked.success) return fail("invalid_value", key);
    const newJson = canonicalJson(checked.output);
    const row = rowOf(key);
    // The value in force before: the stored one, or the default while the key was never saved.
    const current = parseSettingValue(key, row?.value) ?? SETTING_DEFAULTS[key];
    if (canonicalJson(current) === newJson) continue;
    changes.push({ key, oldJson: row?.value ?? canonicalJson(current), newJson, old: current, new: checked.output, version: (row?.version ?? 0) + 1 });
  }
  if (!changes.length) return ok({ changed: [] });

  const statements: BatchStatement[] = [
    ...guarded.map(
      (key) => sql`SELECT CASE WHEN coalesce((SELECT version FROM settings WHERE key = ${key}), 0) <> ${input.expectedVersions[key]!} THEN json(${CONFLICT_MARK}) END`,
    ),
  ];
  for (const c of changes) {
    statements.push(
      c.version === 1
        ? ctx.db.insert(settings).values({ key: c.key, value: c.newJson, version: 1, updatedBy: input.actorUserId, updatedAt: now })
        : sql`UPDATE settings SET value = ${c.newJson}, version = version + 1, updated_by = ${input.actorUserId}, updated_at = ${now}
            WHERE key = ${c.key} AND version = ${c.version - 1}`,
      // Belt and braces: the row must now hold exactly this version and value.
      sql`SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM settings WHERE key = ${c.key} AND version = ${c.version} AND value = ${c.newJson}) THEN json(${CONFLICT_MARK}) END`,
      ctx.db.insert(settingChanges).values({
        id: newId("stc"),
        key: c.key,
        oldValue: c.oldJson,
        newValue: c.newJson,
        version: c.version,
        changedBy: input.actorUserId,
        reason: input.reason,
        changedAt: now,
      }),
    );
  }
  statements.push(
    auditStatement(ctx, {
      actorUserId: input.actorUserId,
      action: "setting.update",
      entityType: "settings",
      entityId: input.section,
      data: { section: input.section, reason: input.reason, changes: changes.map((c) => ({ key: c.key, old: c.old, new: c.new, version: c.version })) },
    }),
  );
  if (changes.some((c) => (FEATURE_KEYS as readonly string[]).includes(c.key))) statements.push(purgeCatalogueStatement(ctx, now));
  try {
    await rawBatch(ctx, statements);
  } catch (error) {
    if (isConflict(error)) return fail("version_conflict");
    throw error;
  }
  return ok({ changed: changes.map((c) => ({ key: c.key, version: c.version })) });
}

export const HISTORY_PAGE_SIZE = 20;

export interface SettingChangeView {
  id: string;
  key: SettingKey;
  oldValue: unknown;
  newValue: unknown;
  version: number;
  changedBy: string | null;
  changedByName: string | null;
  reason: string | null;
  changedAt: number;
}

function parseStored(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

/** The latest setting changes, newest first, optionally of one key; `page` from 1. */
export async function listSettingChanges(
  ctx: Pick<AppContext, "db">,
  opts: { key?: SettingKey | null; page?: number; pageSize?: number } = {},
): Promise<{ rows: SettingChangeView[]; total: number; page: number; pageCount: number }> {
  const pageSize = opts.pageSize ?? HISTORY_PAGE_SIZE;
  const where = opts.key ? eq(settingChanges.key, opts.key) : undefined;
  const [totals] = await ctx.db.select({ n: count() }).from(settingChanges).where(where);
  const total = totals?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, opts.page ?? 1), pageCount);
  const rows = await ctx.db
    .select({ change: settingChanges, name: users.displayName })
    .from(settingChanges)
    .leftJoin(users, eq(users.id, settingChanges.changedBy))
    .where(where)
    .orderBy(desc(settingChanges.changedAt), desc(sql`${settingChanges}.rowid`))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return {
    rows: rows.map((r) => ({
      id: r.change.id,
      key: r.change.key as SettingKey,
      oldValue: parseStored(r.change.oldValue),
      newValue: parseStored(r.change.newValue),
      version: r.change.version,
      changedBy: r.change.changedBy,
      changedByName: r.name ?? null,
      reason: r.change.reason,
      changedAt: r.change.changedAt,
    })),
    total,
    page,
    pageCount,
  };
}
