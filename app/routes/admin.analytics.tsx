import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/auth/guards.server";
import { BarList } from "~/components/charts/bar-list";
import { TimeChart } from "~/components/charts/time-chart";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { BREAKDOWN_DIMENSIONS, type Bucket, type BreakdownDimension } from "~/modules/analytics/dashboard";
import { loadDashboard } from "~/modules/analytics/dashboard.server";
import { businessDateOf, isoWeekOf, RANGE_PRESETS } from "~/modules/analytics/dates";
import { compactFen, formatChange, formatCount, formatPermille } from "~/modules/analytics/numbers";
import { parseDashboardRange, type CsvTable, type DashboardRange, type FieldErrors } from "~/modules/analytics/schemas";

/**
 * /admin/analytics: sales, funnel and customers for a period, from the daily rollups only
 * (modules/analytics, ADR 016). The period lives in the URL (`range` preset or `from`/`to`, and
 * `g` day/week), so every view is a plain GET that works before JavaScript loads and can be shared.
 * Every chart is server-rendered SVG with its exact table beneath and a CSV export.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "adminAnalytics.title")} · ${translate(locale, "app.name")}` }];
};

const NO_STORE = { "Cache-Control": "private, no-store" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "read:analytics:any");
  const params = new URL(request.url).searchParams;
  const today = businessDateOf(Date.now());
  const input = { from: params.get("from") ?? "", to: params.get("to") ?? "", g: params.get("g") ?? "day" };
  const parsed = parseDashboardRange(params, today);
  if (!parsed.ok) return data({ today, input, errors: parsed.errors as FieldErrors | null, dashboard: null }, { status: 400, headers: NO_STORE });
  const dashboard = await loadDashboard(context, parsed.value, resolveLocale(request));
  return data({ today, input, errors: null as FieldErrors | null, dashboard }, { headers: NO_STORE });
}

type Dashboard = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["dashboard"]>;

/** The query string of a view of the dashboard (a preset keeps its name; a custom range its dates). */
function viewQuery(range: Pick<DashboardRange, "from" | "to" | "preset" | "granularity">, change: Partial<Pick<DashboardRange, "preset" | "granularity">> = {}): string {
  const preset = change.preset !== undefined ? change.preset : range.preset;
  const g = change.granularity ?? range.granularity;
  return preset !== null ? `range=${preset}&g=${g}` : `from=${range.from}&to=${range.to}&g=${g}`;
}

function csvHref(range: DashboardRange, table: CsvTable): string {
  return `/admin/analytics.csv?table=${table}&from=${range.from}&to=${range.to}&g=${range.granularity}`;
}

export default function AdminAnalytics() {
  const { t } = useTranslation();
  const { today, input, errors, dashboard } = useLoaderData<typeof loader>();
  const range = dashboard?.range;
  return (
    <div className="max-w-6xl space-y-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("adminAnalytics.title")}</h1>
        <p className="text-sm text-muted">{t("adminAnalytics.intro")}</p>
      </header>
      <RangeControls today={today} range={range ?? null} input={input} errors={errors} />
      {dashboard ? <DashboardBody dashboard={dashboard} /> : null}
    </div>
  );
}

function fieldError(errors: FieldErrors | null, key: string): string | undefined {
  return errors?.[key]?.[0];
}

function RangeControls({ today, range, input, errors }: { today: string; range: DashboardRange | null; input: { from: string; to: string; g: string }; errors: FieldErrors | null }) {
  const { t } = useTranslation();
  const fromError = fieldError(errors, "from");
  const toError = fieldError(errors, "to");
  const otherErrors = errors ? Object.entries(errors).filter(([k]) => k !== "from" && k !== "to") : [];
  const errorText = (code: string) => t(`adminAnalytics.errors.${code}`, { defaultValue: t("adminAnalytics.errors.generic") });
  const g = range?.granularity ?? (input.g === "week" ? "week" : "day");
  return (
    <section aria-label={t("adminAnalytics.range.legend")} className="card space-y-4">
      {errors ? (
        <div role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
          <p>{t("adminAnalytics.errors.summary")}</p>
          {otherErrors.length ? (
            <ul className="list-disc pl-5">
              {otherErrors.map(([k, codes]) => (
                <li key={k}>{errorText(codes[0] ?? "generic")}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <nav aria-label={t("adminAnalytics.range.presets")}>
        <ul className="flex flex-wrap gap-2">
          {RANGE_PRESETS.map((days) => {
            const current = range?.preset === days;
            return (
              <li key={days}>
                <Link
                  to={`?${viewQuery({ from: "", to: "", preset: days, granularity: g })}`}
                  aria-current={current ? "page" : undefined}
                  className={`inline-flex min-h-11 items-center rounded-full border px-4 text-sm ${current ? "border-brand-600 bg-brand-50 font-semibold text-brand-800" : "border-line bg-white text-ink hover:bg-surface"}`}
                >
                  {t(`adminAnalytics.range.preset_${days}`)}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <Form method="get" className="flex flex-wrap items-end gap-3" aria-label={t("adminAnalytics.range.custom")}>
        <div>
          <label htmlFor="analytics-from" className="field-label">
            {t("adminAnalytics.range.from")}
          </label>
          <input
            id="analytics-from"
            name="from"
            type="date"
            max={today}
            defaultValue={range?.from ?? input.from}
            className="field-input"
            aria-invalid={fromError ? true : undefined}
            aria-describedby={fromError ? "analytics-from-error" : undefined}
          />
          {fromError ? (
            <p id="analytics-from-error" className="field-error">
              {errorText(fromError)}
            </p>
          ) : null}
        </div>
        <div>
          <label htmlFor="analytics-to" className="field-label">
            {t("adminAnalytics.range.to")}
          </label>
          <input
            id="analytics-to"
            name="to"
            type="date"
            max={today}
            defaultValue={range?.to ?? input.to}
            className="field-input"
            aria-invalid={toError ? true : undefined}
            aria-describedby={toError ? "analytics-to-error" : undefined}
          />
          {toError ? (
            <p id="analytics-to-error" className="field-error">
              {errorText(toError)}
            </p>
          ) : null}
        </div>
        <div>
          <label htmlFor="analytics-g" className="field-label">
            {t("adminAnalytics.range.granularity")}
          </label>
          <select id="analytics-g" name="g" defaultValue={g} className="field-input">
            <option value="day">{t("adminAnalytics.range.day")}</option>
            <option value="week">{t("adminAnalytics.range.week")}</option>
          </select>
        </div>
        <button type="submit" className="btn-primary">
          {t("adminAnalytics.range.apply")}
        </button>
      </Form>
      {range ? (
        <nav aria-label={t("adminAnalytics.range.granularityLinks")} className="flex flex-wrap items-center gap-2 text-sm">
          {(["day", "week"] as const).map((option) => (
            <Link
              key={option}
              to={`?${viewQuery(range, { granularity: option })}`}
              aria-current={range.granularity === option ? "page" : undefined}
              className={`inline-flex min-h-11 items-center rounded-full px-4 ${range.granularity === option ? "bg-brand-600 font-semibold text-white" : "border border-line bg-white text-ink hover:bg-surface"}`}
            >
              {t(`adminAnalytics.range.${option}`)}
            </Link>
          ))}
        </nav>
      ) : null}
    </section>
  );
}

/** "2026-01-31", or "2026-W05（01-26 至 02-01）" for a week (marked when the range cuts it). */
function useBucketLabel() {
  const { t } = useTranslation();
  return (b: Bucket) => (b.key === b.from ? b.key : `${t("adminAnalytics.week", { week: b.key, from: b.from.slice(5), to: b.to.slice(5) })}${b.partial ? t("adminAnalytics.partial") : ""}`);
}

/** The short x-axis label: "01-31" for a day, "W05" for a week. */
function axisLabel(b: Bucket): string {
  return b.key === b.from ? b.key.slice(5) : `W${String(isoWeekOf(b.from).week).padStart(2, "0")}`;
}

function DashboardBody({ dashboard }: { dashboard: Dashboard }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { range, previous, kpis, changes } = dashboard;
  return (
    <>
      <div className="space-y-1 text-sm text-muted">
        <p className="tabular font-semibold text-ink">{t("adminAnalytics.period", { from: range.from, to: range.to })}</p>
        <p className="tabular">{t("adminAnalytics.compared", { from: previous.from, to: previous.to })}</p>
        <p className="tabular">{dashboard.computedAt !== null ? t("adminAnalytics.updatedAt", { time: formatDateTime(dashboard.computedAt, locale) }) : t("adminAnalytics.noData")}</p>
      </div>

      <section aria-labelledby="kpi-title" className="space-y-3">
        <h2 id="kpi-title" className="text-lg font-semibold">
          {t("adminAnalytics.kpi.title")}
        </h2>
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
          <KpiTile label={t("adminAnalytics.kpi.gmv")} value={formatFen(kpis.gmvFen)} change={changes.gmvFen} testId="kpi-gmv" />
          <KpiTile label={t("adminAnalytics.kpi.orders")} value={formatCount(kpis.orders)} change={changes.orders} testId="kpi-orders" />
          <KpiTile label={t("adminAnalytics.kpi.avgBasket")} value={kpis.avgBasketFen === null ? "—" : formatFen(kpis.avgBasketFen)} change={changes.avgBasketFen} testId="kpi-avg-basket" />
          <KpiTile label={t("adminAnalytics.kpi.buyers")} value={formatCount(kpis.buyers)} change={changes.buyers} note={t("adminAnalytics.kpi.buyersNote")} testId="kpi-buyers" />
          <KpiTile
            label={t("adminAnalytics.kpi.returningRate")}
            value={kpis.returningPermille === null ? "—" : formatPermille(kpis.returningPermille)}
            change={changes.returningPermille}
            points
            testId="kpi-returning"
          />
        </ul>
      </section>

      <SalesSection dashboard={dashboard} />
      <FunnelSection dashboard={dashboard} />
      <CustomersSection dashboard={dashboard} />
      <GroupDealsSection dashboard={dashboard} />
      <FlashSalesSection dashboard={dashboard} />
      {BREAKDOWN_DIMENSIONS.map((d) => (
        <BreakdownSection key={d} dimension={d} dashboard={dashboard} />
      ))}
    </>
  );
}

function KpiTile({ label, value, change, note, points = false, testId }: { label: string; value: string; change: number | null; note?: string; points?: boolean; testId: string }) {
  const { t } = useTranslation();
  let changeText: ReactNode;
  if (change === null) changeText = <span className="text-muted">{t("adminAnalytics.kpi.none")}</span>;
  else {
    const direction = change > 0 ? "up" : change < 0 ? "down" : "flat";
    const amount = points ? t("adminAnalytics.kpi.points", { value: `${change > 0 ? "+" : change < 0 ? "-" : ""}${Math.trunc(Math.abs(change) / 10)}.${Math.abs(change) % 10}` }) : formatChange(change);
    changeText = (
      <span className={direction === "up" ? "text-brand-700" : direction === "down" ? "text-danger" : "text-muted"}>
        <span aria-hidden>{direction === "up" ? "▲ " : direction === "down" ? "▼ " : "＝ "}</span>
        <span className="sr-only">{t(`adminAnalytics.kpi.${direction}`)} </span>
        {amount}
      </span>
    );
  }
  return (
    <li className="card space-y-1" data-testid={testId}>
      <p className="text-sm text-muted">{label}</p>
      <p className="tabular text-2xl font-bold" data-testid={`${testId}-value`}>
        {value}
      </p>
      <p className="tabular text-xs">
        {changeText} {change !== null ? <span className="text-muted">{t("adminAnalytics.kpi.vsPrevious")}</span> : null}
      </p>
      {note ? <p className="text-xs text-muted">{note}</p> : null}
    </li>
  );
}

function Section({ id, title, csv, csvTitle, note, children }: { id: string; title: string; csv: string; csvTitle: string; note?: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby={`${id}-title`} className="card space-y-4" data-testid={`section-${id}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          {title}
        </h2>
        <a href={csv} download className="btn-secondary text-sm" aria-label={t("adminAnalytics.csvOf", { title: csvTitle })}>
          {t("adminAnalytics.csv")}
        </a>
      </div>
      {children}
      {note ? <p className="text-xs text-muted">{note}</p> : null}
    </section>
  );
}

interface Column {
  label: string;
  numeric?: boolean;
}

/**
 * The exact figures beneath a chart: sticky header, scrolls inside its box when long. The first
 * cell of a row names it (a row header); the others are figures, right-aligned. Cell styles sit on
 * the table, not on each of a year's thousands of cells (smaller HTML, faster render).
 */
function DataTable({ id, caption, columns, rows }: { id: string; caption: string; columns: Column[]; rows: ReactNode[][] }) {
  const { t } = useTranslation();
  return (
    <div className="max-h-96 overflow-auto rounded-xl border border-line" tabIndex={0} role="region" aria-label={t("adminAnalytics.scrollTable", { title: caption })} data-testid={`table-${id}`}>
      <table className="w-full text-left text-sm [&_td]:p-2 [&_td]:text-right [&_td]:whitespace-nowrap [&_td]:tabular-nums [&_tbody_th]:p-2 [&_tbody_th]:font-normal [&_tbody_th]:whitespace-nowrap [&_tbody_tr]:border-b [&_tbody_tr]:border-line [&_tbody_tr:last-child]:border-0">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-white">
          <tr className="border-b border-line">
            {columns.map((c) => (
              <th key={c.label} scope="col" className={`p-2 font-semibold whitespace-nowrap ${c.numeric ? "text-right" : ""}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([head, ...cells], r) => (
            <tr key={r}>
              <th scope="row">{head}</th>
              {cells.map((cell, c) => (
                <td key={c}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "¥1.00 (2026-01-05)": the largest value and where it is, for a chart's summary. */
function peak(values: readonly number[], labels: readonly string[], format: (v: number) => string): { max: string; maxAt: string } {
  let best = 0;
  values.forEach((v, i) => {
    if (v > values[best]!) best = i;
  });
  return { max: format(values[best] ?? 0), maxAt: labels[best] ?? "" };
}

function SalesSection({ dashboard }: { dashboard: Dashboard }) {
  const { t, i18n } = useTranslation();
  const bucketLabel = useBucketLabel();
  const { range, sales } = dashboard;
  const labels = sales.map(bucketLabel);
  const axis = sales.map(axisLabel);
  const gmv = sales.map((p) => p.gmvFen);
  const orders = sales.map((p) => p.orders);
  const summary = (title: string, values: number[], format: (v: number) => string) =>
    values.some((v) => v > 0)
      ? t("adminAnalytics.chart.series", { title, from: range.from, to: range.to, total: format(values.reduce((a, b) => a + b, 0)), ...peak(values, labels, format) })
      : t("adminAnalytics.chart.seriesEmpty", { title, from: range.from, to: range.to });
  const title = t("adminAnalytics.sales.title");
  return (
    <Section id="sales" title={title} csv={csvHref(range, "sales")} csvTitle={title}>
      <div className="grid gap-6 lg:grid-cols-2">
        <figure className="space-y-2">
          <figcaption className="text-sm font-semibold">{t("adminAnalytics.sales.gmv")}</figcaption>
          <TimeChart
            label={summary(t("adminAnalytics.sales.gmv"), gmv, formatFen)}
            categories={axis}
            series={[{ name: t("adminAnalytics.sales.gmv"), values: gmv, colour: "brand" }]}
            mode="line"
            integer
            formatTick={(v) => compactFen(v, i18n.language)}
          />
        </figure>
        <figure className="space-y-2">
          <figcaption className="text-sm font-semibold">{t("adminAnalytics.sales.orders")}</figcaption>
          <TimeChart
            label={summary(t("adminAnalytics.sales.orders"), orders, formatCount)}
            categories={axis}
            series={[{ name: t("adminAnalytics.sales.orders"), values: orders, colour: "dark" }]}
            mode="bars"
            integer
            formatTick={formatCount}
          />
        </figure>
      </div>
      <DataTable
        id="sales"
        caption={t("adminAnalytics.sales.table")}
        columns={[
          { label: t("adminAnalytics.col.period") },
          { label: t("adminAnalytics.col.gmv"), numeric: true },
          { label: t("adminAnalytics.col.orders"), numeric: true },
          { label: t("adminAnalytics.col.avgBasket"), numeric: true },
          { label: t("adminAnalytics.col.items"), numeric: true },
          { label: t("adminAnalytics.col.buyerDays"), numeric: true },
          { label: t("adminAnalytics.col.refunds"), numeric: true },
        ]}
        rows={sales.map((p, i) => [labels[i], formatFen(p.gmvFen), formatCount(p.orders), p.avgBasketFen === null ? "—" : formatFen(p.avgBasketFen), formatCount(p.items), formatCount(p.buyers), formatFen(p.refundFen)])}
      />
    </Section>
  );
}

function FunnelSection({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useTranslation();
  const { range, funnel } = dashboard;
  const rate = (permille: number | null) => (permille === null ? "—" : formatPermille(permille));
  const step = (s: string) => t(`adminAnalytics.funnel.steps.${s}`);
  const title = t("adminAnalytics.funnel.title");
  return (
    <Section id="funnel" title={title} csv={csvHref(range, "funnel")} csvTitle={title} note={t("adminAnalytics.funnel.note")}>
      <BarList
        label={t("adminAnalytics.chart.funnel", {
          items: funnel.map((r) => t("adminAnalytics.chart.item", { name: step(r.step), value: formatCount(r.count) })).join(", "),
        })}
        items={funnel.map((r) => ({
          key: r.step,
          label: step(r.step),
          value: r.count,
          display: formatCount(r.count),
          detail: r.fromPreviousPermille === null ? undefined : t("adminAnalytics.funnel.detail", { rate: rate(r.fromPreviousPermille) }),
        }))}
      />
      <DataTable
        id="funnel"
        caption={t("adminAnalytics.funnel.table")}
        columns={[
          { label: t("adminAnalytics.col.step") },
          { label: t("adminAnalytics.col.count"), numeric: true },
          { label: t("adminAnalytics.col.fromPrevious"), numeric: true },
          { label: t("adminAnalytics.col.fromFirst"), numeric: true },
        ]}
        rows={funnel.map((r) => [step(r.step), formatCount(r.count), rate(r.fromPreviousPermille), rate(r.fromFirstPermille)])}
      />
    </Section>
  );
}

function CustomersSection({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useTranslation();
  const bucketLabel = useBucketLabel();
  const { range, customers } = dashboard;
  const title = t("adminAnalytics.customers.title");
  const newTotal = customers.reduce((s, p) => s + p.newBuyers, 0);
  const returningTotal = customers.reduce((s, p) => s + p.returningBuyers, 0);
  return (
    <Section id="customers" title={title} csv={csvHref(range, "customers")} csvTitle={title} note={t("adminAnalytics.customers.note")}>
      <TimeChart
        label={t("adminAnalytics.chart.customers", { from: range.from, to: range.to, new: formatCount(newTotal), returning: formatCount(returningTotal) })}
        categories={customers.map(axisLabel)}
        series={[
          { name: t("adminAnalytics.customers.returning"), values: customers.map((p) => p.returningBuyers), colour: "dark" },
          { name: t("adminAnalytics.customers.new"), values: customers.map((p) => p.newBuyers), colour: "amber" },
        ]}
        mode="stacked"
        integer
        formatTick={formatCount}
      />
      <DataTable
        id="customers"
        caption={t("adminAnalytics.customers.table")}
        columns={[
          { label: t("adminAnalytics.col.period") },
          { label: t("adminAnalytics.col.buyers"), numeric: true },
          { label: t("adminAnalytics.col.newBuyers"), numeric: true },
          { label: t("adminAnalytics.col.returningBuyers"), numeric: true },
          { label: t("adminAnalytics.col.returningRate"), numeric: true },
        ]}
        rows={customers.map((p) => [bucketLabel(p), formatCount(p.buyers), formatCount(p.newBuyers), formatCount(p.returningBuyers), p.returningPermille === null ? "—" : formatPermille(p.returningPermille)])}
      />
    </Section>
  );
}

/**
 * A marketing outcome per period (group deals closed, flash sales ended): four headline figures,
 * then — when the period has any — a stacked chart of the two parts and the table per period.
 */
function OutcomeSection(props: {
  id: string;
  range: DashboardRange;
  csvTable: CsvTable;
  title: string;
  note: string;
  figures: Array<{ key: string; label: string; value: string }>;
  empty: string | null;
  chartLabel: string;
  categories: string[];
  parts: [{ name: string; values: number[] }, { name: string; values: number[] }];
  tableCaption: string;
  columns: string[];
  rows: string[][];
}) {
  const { t } = useTranslation();
  return (
    <Section id={props.id} title={props.title} csv={csvHref(props.range, props.csvTable)} csvTitle={props.title} note={props.note}>
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {props.figures.map((f) => (
          <li key={f.key} className="rounded-xl border border-line p-3" data-testid={`${props.id}-${f.key}`}>
            <p className="text-sm text-muted">{f.label}</p>
            <p className="tabular text-2xl font-bold">{f.value}</p>
          </li>
        ))}
      </ul>
      {props.empty !== null ? (
        <p className="text-muted">{props.empty}</p>
      ) : (
        <>
          <TimeChart
            label={props.chartLabel}
            categories={props.categories}
            series={[
              { ...props.parts[0], colour: "brand" },
              { ...props.parts[1], colour: "amber" },
            ]}
            mode="stacked"
            integer
            formatTick={formatCount}
          />
          <DataTable
            id={props.id}
            caption={props.tableCaption}
            columns={[{ label: t("adminAnalytics.col.period") }, ...props.columns.map((label) => ({ label, numeric: true }))]}
            rows={props.rows}
          />
        </>
      )}
    </Section>
  );
}

const rateText = (permille: number | null) => (permille === null ? "—" : formatPermille(permille));

/** Group deals closed per period (succeeded vs failed) and the period's success rate, read from group_deals (issue 7). */
function GroupDealsSection({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useTranslation();
  const bucketLabel = useBucketLabel();
  const { range } = dashboard;
  const { series, totals } = dashboard.groupDeals;
  const k = (key: string) => t(`groupDealsConsole.analytics.${key}`);
  return (
    <OutcomeSection
      id="group-deals"
      range={range}
      csvTable="group_deals"
      title={k("title")}
      note={k("note")}
      figures={[
        { key: "rate", label: k("rate"), value: rateText(totals.successPermille) },
        { key: "closed", label: k("closed"), value: formatCount(totals.closed) },
        { key: "succeeded", label: k("succeeded"), value: formatCount(totals.succeeded) },
        { key: "failed", label: k("failed"), value: formatCount(totals.failed) },
      ]}
      empty={totals.closed === 0 ? k("empty") : null}
      chartLabel={t("groupDealsConsole.analytics.chart", {
        from: range.from,
        to: range.to,
        closed: formatCount(totals.closed),
        succeeded: formatCount(totals.succeeded),
        failed: formatCount(totals.failed),
        rate: rateText(totals.successPermille),
      })}
      categories={series.map(axisLabel)}
      parts={[
        { name: k("succeeded"), values: series.map((p) => p.succeeded) },
        { name: k("failed"), values: series.map((p) => p.failed) },
      ]}
      tableCaption={k("table")}
      columns={[k("closed"), k("succeeded"), k("failed"), k("rate"), k("members")]}
      rows={series.map((p) => [bucketLabel(p), formatCount(p.closed), formatCount(p.succeeded), formatCount(p.failed), rateText(p.successPermille), formatCount(p.members)])}
    />
  );
}

/** Flash sales ended (and reconciled) per period, units on sale and sold, and the sell-through (issue 8). */
function FlashSalesSection({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useTranslation();
  const bucketLabel = useBucketLabel();
  const { range } = dashboard;
  const { series, totals } = dashboard.flashSales;
  const k = (key: string) => t(`flashSalesConsole.analytics.${key}`);
  return (
    <OutcomeSection
      id="flash-sales"
      range={range}
      csvTable="flash_sales"
      title={k("title")}
      note={k("note")}
      figures={[
        { key: "rate", label: k("rate"), value: rateText(totals.sellThroughPermille) },
        { key: "sales", label: k("sales"), value: formatCount(totals.sales) },
        { key: "units", label: k("units"), value: formatCount(totals.units) },
        { key: "sold", label: k("sold"), value: formatCount(totals.sold) },
      ]}
      empty={totals.sales === 0 ? k("empty") : null}
      chartLabel={t("flashSalesConsole.analytics.chart", {
        from: range.from,
        to: range.to,
        sales: formatCount(totals.sales),
        units: formatCount(totals.units),
        sold: formatCount(totals.sold),
        rate: rateText(totals.sellThroughPermille),
      })}
      categories={series.map(axisLabel)}
      parts={[
        { name: k("sold"), values: series.map((p) => p.sold) },
        { name: k("unsold"), values: series.map((p) => p.units - p.sold) },
      ]}
      tableCaption={k("table")}
      columns={[k("sales"), k("units"), k("sold"), k("rate")]}
      rows={series.map((p) => [bucketLabel(p), formatCount(p.sales), formatCount(p.units), formatCount(p.sold), rateText(p.sellThroughPermille)])}
    />
  );
}

const CSV_OF: Record<BreakdownDimension, CsvTable> = { product: "products", category: "categories", point: "points", merchant: "merchants" };

function BreakdownSection({ dimension, dashboard }: { dimension: BreakdownDimension; dashboard: Dashboard }) {
  const { t } = useTranslation();
  const { range, breakdowns } = dashboard;
  const { rows, total } = breakdowns[dimension];
  const title = t(`adminAnalytics.breakdown.${dimension}`);
  return (
    <Section id={CSV_OF[dimension]} title={title} csv={csvHref(range, CSV_OF[dimension])} csvTitle={title}>
      {rows.length === 0 ? (
        <p className="text-muted">{t("adminAnalytics.breakdown.empty")}</p>
      ) : (
        <>
          <BarList
            label={t("adminAnalytics.chart.bars", { title, items: rows.map((r) => t("adminAnalytics.chart.item", { name: r.name, value: formatFen(r.gmvFen) })).join(", ") })}
            items={rows.map((r) => ({ key: r.id, label: r.name, value: r.gmvFen, display: formatFen(r.gmvFen) }))}
          />
          <p className="text-xs text-muted">{t("adminAnalytics.breakdown.topOf", { shown: rows.length, total })}</p>
          <DataTable
            id={CSV_OF[dimension]}
            caption={t("adminAnalytics.breakdown.table", { title })}
            columns={[
              { label: t("adminAnalytics.col.name") },
              { label: t("adminAnalytics.col.gmv"), numeric: true },
              { label: t("adminAnalytics.col.share"), numeric: true },
              { label: t("adminAnalytics.col.orders"), numeric: true },
              { label: t("adminAnalytics.col.items"), numeric: true },
              { label: t("adminAnalytics.col.refunds"), numeric: true },
            ]}
            rows={rows.map((r) => [r.name, formatFen(r.gmvFen), r.sharePermille === null ? "—" : formatPermille(r.sharePermille), formatCount(r.orders), formatCount(r.items), formatFen(r.refundFen)])}
          />
        </>
      )}
    </Section>
  );
}
