import { parseWithValibot } from "@conform-to/valibot";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { compareStock } from "./reconcile";
import { CreateFlashSaleInput, earlyAccessJson, flashSalePhase, parseFlashStatusFilter, parseReconciliation, PauseFlashSaleInput, ReviewFlashSaleInput, sellThroughPermille } from "./sale-schemas";
import type { Reservation } from "./stock-types";

const form = (over: Record<string, string | undefined> = {}) => {
  const fd = new FormData();
  const fields: Record<string, string | undefined> = {
    intent: "create-flash-sale",
    skuId: "sku_demoeggs000000000001",
    flashPrice: "19.90",
    stock: "50",
    perUserLimit: "2",
    paymentTimeoutMinutes: "15",
    startsAt: "2026-12-01T20:00",
    endsAt: "2026-12-01T22:00",
    earlySilver: "",
    earlyGold: "30",
    ...over,
  };
  for (const [k, val] of Object.entries(fields)) if (val !== undefined) fd.set(k, val);
  return fd;
};
const errorsOf = (fd: FormData) => {
  const s = parseWithValibot(fd, { schema: CreateFlashSaleInput });
  return s.status === "success" ? {} : s.reply().error;
};

describe("CreateFlashSaleInput", () => {
  it("reads yuan to fen, minutes to seconds, Shanghai time to epoch ms and the early-access map without zeros", () => {
    const s = parseWithValibot(form(), { schema: CreateFlashSaleInput });
    expect(s.status).toBe("success");
    if (s.status !== "success") return;
    expect(s.value).toEqual({
      skuId: "sku_demoeggs000000000001",
      flashPriceFen: 1990,
      stock: 50,
      perUserLimit: 2,
      paymentTimeoutSeconds: 900,
      startsAt: Date.parse("2026-12-01T20:00:00+08:00"),
      endsAt: Date.parse("2026-12-01T22:00:00+08:00"),
      earlyAccessMinutes: '{"gold":30}',
    });
    const full = parseWithValibot(form({ earlySilver: "１０", earlyGold: undefined, flashPrice: "9.9", stock: "100000" }), { schema: CreateFlashSaleInput });
    expect(full.status === "success" && [full.value.earlyAccessMinutes, full.value.flashPriceFen, full.value.stock]).toEqual(['{"silver":10}', 990, 100000]);
    expect(earlyAccessJson(0, 0)).toBe("{}");
  });

  it("answers every bad field on its own field", () => {
    expect(
      errorsOf(
        form({
          skuId: "nope",
          flashPrice: "9.999",
          stock: "100001",
          perUserLimit: "100",
          paymentTimeoutMinutes: "31",
          earlySilver: "121",
          earlyGold: "-1",
        }),
      ),
    ).toEqual({
      skuId: ["sku_invalid"],
      flashPrice: ["flash_price_invalid"],
      stock: ["stock_invalid"],
      perUserLimit: ["per_user_limit_invalid"],
      paymentTimeoutMinutes: ["payment_timeout_invalid"],
      earlySilver: ["early_access_invalid"],
      earlyGold: ["early_access_invalid"],
    });
    expect(errorsOf(form({ flashPrice: "", stock: "", perUserLimit: "0", paymentTimeoutMinutes: "0", skuId: "" }))).toEqual({
      skuId: ["sku_required"],
      flashPrice: ["flash_price_required"],
      stock: ["stock_required"],
      perUserLimit: ["per_user_limit_invalid"],
      paymentTimeoutMinutes: ["payment_timeout_invalid"],
    });
    expect(errorsOf(form({ stock: "0", flashPrice: "0" }))).toEqual({ stock: ["stock_invalid"], flashPrice: ["flash_price_invalid"] });
  });

  it("wants the end after the start and a window of at most 7 days", () => {
    expect(errorsOf(form({ endsAt: "2026-12-01T20:00" }))).toEqual({ endsAt: ["window_order"] });
    expect(errorsOf(form({ endsAt: "2026-12-08T20:00" }))).toEqual({});
    expect(errorsOf(form({ endsAt: "2026-12-08T20:01" }))).toEqual({ endsAt: ["flash_window_too_long"] });
    expect(errorsOf(form({ startsAt: "2026-02-30T20:00" }))).toEqual({ startsAt: ["time_invalid"] });
    expect(errorsOf(form({ startsAt: "" }))).toEqual({ startsAt: ["starts_at_required"] });
  });
});

describe("pause and review forms", () => {
  it("pause needs a sale id; a rejection needs a reason of 2–200 characters", () => {
    expect(v.safeParse(PauseFlashSaleInput, { intent: "pause-flash-sale", saleId: "fls_0123456789abcdefghjk" }).success).toBe(true);
    expect(v.safeParse(PauseFlashSaleInput, { intent: "pause-flash-sale", saleId: "gdc_0123456789abcdefghjk" }).success).toBe(false);
    expect(v.safeParse(ReviewFlashSaleInput, { intent: "approve", saleId: "fls_0123456789abcdefghjk" }).success).toBe(true);
    const noReason = v.safeParse(ReviewFlashSaleInput, { intent: "reject", saleId: "fls_0123456789abcdefghjk", reason: " x " });
    expect(!noReason.success && v.flatten(noReason.issues).nested).toEqual({ reason: ["reject_reason_required"] });
    expect(v.safeParse(ReviewFlashSaleInput, { intent: "reject", saleId: "fls_0123456789abcdefghjk", reason: "价格不合理" }).success).toBe(true);
    expect(v.safeParse(ReviewFlashSaleInput, { intent: "reject", saleId: "fls_0123456789abcdefghjk", reason: "长".repeat(201) }).success).toBe(false);
    expect(parseFlashStatusFilter("approved")).toBe("approved");
    expect(parseFlashStatusFilter("bogus")).toBe("all");
  });
});

describe("what the pages show", () => {
  const at = { startsAt: 1_000, endsAt: 2_000, reconciledAt: null };
  it("phases", () => {
    expect(flashSalePhase({ ...at, status: "approved" }, 500)).toBe("scheduled");
    expect(flashSalePhase({ ...at, status: "approved" }, 1_500)).toBe("live");
    expect(flashSalePhase({ ...at, status: "approved" }, 2_000)).toBe("ended");
    expect(flashSalePhase({ ...at, status: "approved", reconciledAt: 2_500 }, 3_000)).toBe("reconciled");
    expect(flashSalePhase({ ...at, status: "pending_review" }, 500)).toBe("pending_review");
    expect(flashSalePhase({ ...at, status: "paused" }, 500)).toBe("paused");
    expect(flashSalePhase({ ...at, status: "pending_review" }, 2_500)).toBe("ended");
    expect(flashSalePhase({ ...at, status: "rejected" }, 2_500)).toBe("rejected");
  });

  it("sell-through per mille and the stored reconciliation", () => {
    expect(sellThroughPermille(2, 3)).toBe(667);
    expect(sellThroughPermille(0, 10)).toBe(0);
    expect(parseReconciliation(null)).toBeNull();
    expect(parseReconciliation("not json")).toBeNull();
    expect(parseReconciliation('{"sold":1,"reserved":0,"remaining":2,"d1Sold":1,"d1Pending":0,"differences":[]}')).toMatchObject({ sold: 1, remaining: 2 });
  });
});

describe("compareStock", () => {
  const r = (id: string, status: Reservation["status"], quantity = 1): Reservation => ({ id, userId: "usr_x", quantity, status, expiresAt: 100, createdAt: 0 });
  const o = (id: string, reservationId: string | null, status: string, units = 1, payBy = 100) => ({ id, reservationId, status, units, payBy });

  it("agrees when paid orders are confirmed, pending ones held, and expired ones released", () => {
    const out = compareStock(
      [r("frv_a", "confirmed", 2), r("frv_b", "held"), r("frv_c", "released"), r("frv_d", "released")],
      [o("ord_a", "frv_a", "paid", 2), o("ord_b", "frv_b", "pending_payment", 1, 500), o("ord_c", "frv_c", "cancelled"), o("ord_d", "frv_d", "pending_payment", 1, 100)],
      200,
    );
    expect(out).toEqual({ d1Sold: 2, d1Pending: 2, differences: [] });
  });

  it("reports each kind of difference", () => {
    const out = compareStock(
      [r("frv_a", "held"), r("frv_b", "confirmed"), r("frv_c", "released"), r("frv_e", "held")],
      [o("ord_a", "frv_a", "completed"), o("ord_b", "frv_b", "cancelled"), o("ord_c", "frv_c", "pending_payment", 1, 500), o("ord_x", "frv_missing", "paid")],
      200,
    );
    expect(out.d1Sold).toBe(2);
    expect(out.differences).toEqual([
      { kind: "paid_order_not_confirmed", reservationId: "frv_a", orderId: "ord_a" },
      { kind: "pending_order_not_held", reservationId: "frv_c", orderId: "ord_c" },
      { kind: "order_without_reservation", reservationId: "frv_missing", orderId: "ord_x" },
      { kind: "held_without_pending_order", reservationId: "frv_a", orderId: "ord_a" },
      { kind: "confirmed_without_paid_order", reservationId: "frv_b", orderId: "ord_b" },
      { kind: "held_without_pending_order", reservationId: "frv_e", orderId: null },
    ]);
  });
});
