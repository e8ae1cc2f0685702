import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import * as v from "valibot";
import { requirePermission } from "~/auth/guards.server";
import { registerAdminMessages } from "~/i18n/admin-messages";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { auditActionKey, parseAuditQuery } from "~/modules/audit/audit-log";
import { searchAuditLog } from "~/modules/audit/audit-log.server";
import { toCsv } from "~/modules/fulfilment/csv";

/** At most this many entries per file; narrow the dates for more. */
export const AUDIT_EXPORT_MAX = 10_000;

/** GET /admin/audit.csv?<the page's filters>: the matching entries (newest first) as CSV with a BOM, in the viewer's language. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "read:audit-log:any");
  registerAdminMessages();
  const params = new URL(request.url).searchParams;
  params.delete("cursor");
  const parsed = parseAuditQuery(params);
  if (!parsed.success) {
    const fields = v.flatten(parsed.issues).nested ?? {};
    return Response.json({ error: { code: "invalid_query", message: "The filters are not valid.", fields } }, { status: 400 });
  }
  const locale = resolveLocale(request);
  const k = (key: string) => translate(locale, `adminAudit.${key}`);
  const { rows } = await searchAuditLog(context, parsed.output, AUDIT_EXPORT_MAX);
  const csv = toCsv([
    ["time", "actor", "actorId", "action", "actionCode", "entity", "entityId", "details"].map((c) => k(`csv.${c}`)),
    ...rows.map((r) => [
      formatDateTime(r.createdAt, locale),
      r.actorName ?? (r.actorUserId ? "" : k("system")),
      r.actorUserId ?? "",
      translate(locale, auditActionKey(r.action), { defaultValue: r.action }),
      r.action,
      translate(locale, `adminAudit.entity.${r.entityType}`, { defaultValue: r.entityType }),
      r.entityId ?? "",
      r.data ? JSON.stringify(r.data) : "",
    ]),
  ]);
  const range = [parsed.output.from, parsed.output.to].filter(Boolean).join("_") || "all";
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log-${range}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
