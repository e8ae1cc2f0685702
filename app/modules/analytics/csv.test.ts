import { describe, expect, it } from "vitest";
import { breakdownCsv, csvFilename, flashSalesCsv, funnelCsv, groupDealsCsv, permilleCell, salesCsv } from "./csv";
import { bucketsOf, flashSaleSeries, groupDealSeries, salesSeries } from "./dashboard";

const t = (key: string) => key;

describe("analytics CSV", () => {
  it("starts with a BOM, writes money as yuan text from fen and dates as Shanghai days", () => {
    const series = salesSeries([{ day: "2026-05-11", orders: 3, gmvFen: 100001, items: 4, buyers: 2, refundFen: 5 }], bucketsOf("2026-05-10", "2026-05-11", "day"));
    const csv = salesCsv(series, t);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv.slice(1).split("\r\n")).toEqual([
      "period,from,to,orders,gmvYuan,items,buyerDays,avgBasketYuan,refundsYuan",
      "2026-05-10,2026-05-10,2026-05-10,0,0.00,0,0,,0.00",
      "2026-05-11,2026-05-11,2026-05-11,3,1000.01,4,2,333.34,0.05",
      "",
    ]);
  });

  it("writes rates as percentages with one decimal, empty when undefined; quotes and defuses names", () => {
    expect(permilleCell(1500)).toBe("150.0");
    expect(permilleCell(null)).toBe("");
    const csv = breakdownCsv(
      [
        { id: "prd_a", name: '草莓 "大果", 500g', gmvFen: 1999, orders: 2, items: 3, refundFen: 0, sharePermille: 667 },
        { id: "prd_b", name: "=HYPERLINK()", gmvFen: 1000, orders: 1, items: 1, refundFen: 1000, sharePermille: 333 },
      ],
      t,
    );
    expect(csv.slice(1).split("\r\n")).toEqual([
      "rank,id,name,gmvYuan,share,orders,items,refundsYuan",
      '1,prd_a,"草莓 ""大果"", 500g",19.99,66.7,2,3,0.00',
      "2,prd_b,'=HYPERLINK(),10.00,33.3,1,1,10.00",
      "",
    ]);
    const funnel = funnelCsv([{ step: "visitors", count: 3, fromPreviousPermille: null, fromFirstPermille: null }], t, (s) => `step:${s}`);
    expect(funnel.slice(1).split("\r\n")[1]).toBe("step:visitors,3,,");
  });

  it("names the file after the table and the range", () => {
    expect(csvFilename("products", { from: "2026-01-01", to: "2026-01-31", granularity: "week", preset: null })).toBe("analytics-products-2026-01-01_2026-01-31.csv");
    expect(csvFilename("sales", { from: "2026-01-01", to: "2026-01-31", granularity: "week", preset: 30 })).toBe("analytics-sales-2026-01-01_2026-01-31-week.csv");
    expect(csvFilename("group_deals", { from: "2026-01-01", to: "2026-01-31", granularity: "day", preset: 30 })).toBe("analytics-group_deals-2026-01-01_2026-01-31-day.csv");
  });

  it("writes group deals closed per period with the success rate", () => {
    const series = groupDealSeries([{ day: "2026-05-11", succeeded: 2, failed: 1, members: 11 }], bucketsOf("2026-05-10", "2026-05-11", "day"));
    expect(groupDealsCsv(series, t).slice(1).split("\r\n")).toEqual([
      "period,from,to,closed,succeeded,failed,successRate,members",
      "2026-05-10,2026-05-10,2026-05-10,0,0,0,,0",
      "2026-05-11,2026-05-11,2026-05-11,3,2,1,66.7,11",
      "",
    ]);
  });

  it("writes flash sales ended per period with the sell-through", () => {
    const series = flashSaleSeries([{ day: "2026-05-11", sales: 2, units: 30, sold: 20 }], bucketsOf("2026-05-10", "2026-05-11", "day"));
    expect(flashSalesCsv(series, t).slice(1).split("\r\n")).toEqual([
      "period,from,to,flashSales,flashUnits,flashSold,sellThrough",
      "2026-05-10,2026-05-10,2026-05-10,0,0,0,",
      "2026-05-11,2026-05-11,2026-05-11,2,30,20,66.7",
      "",
    ]);
    expect(csvFilename("flash_sales", { from: "2026-01-01", to: "2026-01-31", granularity: "week", preset: null })).toBe("analytics-flash_sales-2026-01-01_2026-01-31-week.csv");
  });
});
