import { asc } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { categories } from "~/db/schema";

/**
 * Every category by id with its name in the reader's language, for the per-category commission
 * table and the history: top categories in their catalogue order, each followed by its
 * subcategories as "Parent / Child".
 */
export async function listCategoryNames(ctx: Pick<AppContext, "db">, locale: string): Promise<Array<{ id: string; name: string }>> {
  const rows = await ctx.db
    .select({ id: categories.id, parentId: categories.parentId, nameZh: categories.nameZh, nameEn: categories.nameEn, sort: categories.sort })
    .from(categories)
    .orderBy(asc(categories.sort), asc(categories.id));
  const nameOf = (r: (typeof rows)[number]) => (locale === "en" ? r.nameEn : r.nameZh);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: Array<{ id: string; name: string }> = [];
  const children = (parentId: string | null) => rows.filter((r) => (r.parentId && byId.has(r.parentId) ? r.parentId : null) === parentId);
  const visit = (parentId: string | null, prefix: string) => {
    for (const r of children(parentId)) {
      const name = prefix ? `${prefix} / ${nameOf(r)}` : nameOf(r);
      out.push({ id: r.id, name });
      // Each category has one parent, so walking down from the top ones never loops.
      visit(r.id, name);
    }
  };
  visit(null, "");
  return out;
}
