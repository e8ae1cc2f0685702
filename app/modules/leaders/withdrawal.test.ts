import { parseWithValibot } from "@conform-to/valibot";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fenToYuanInput, isValidPayoutAccount, maskPayoutAccount, normalisePayoutAccount, parseYuanToFen, WithdrawalInput } from "./withdrawal";

describe("yuan → fen", () => {
  it("reads the digits exactly", () => {
    expect(parseYuanToFen("12")).toBe(1200);
    expect(parseYuanToFen("12.3")).toBe(1230);
    expect(parseYuanToFen("12.30")).toBe(1230);
    expect(parseYuanToFen("0.05")).toBe(5);
    expect(parseYuanToFen(" ¥1,234.50 ")).toBe(123_450);
    expect(parseYuanToFen("￥８．８")).toBe(880);
    expect(parseYuanToFen("0.1")).toBe(10);
    expect(parseYuanToFen("0.29")).toBe(29); // 0.29 * 100 is 28.999999999999996 in floating point
    expect(parseYuanToFen("1.15")).toBe(115);
    expect(parseYuanToFen("007")).toBe(700);
    expect(parseYuanToFen("999999999.99")).toBe(99_999_999_999);
  });

  it("refuses anything that is not a plain amount", () => {
    for (const bad of ["", " ", ".", "12.", ".5", "-1", "+1", "1e3", "1.234", "12,34", "1,2345", "abc", "¥", "NaN", "Infinity", "0x10", "1 000", "1000000000", "12.3.4"]) {
      expect(parseYuanToFen(bad), bad).toBeNull();
    }
  });

  it("round-trips every fen amount (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (fen) => {
        expect(parseYuanToFen(fenToYuanInput(fen))).toBe(fen);
      }),
    );
  });

  it("agrees with exact decimal arithmetic on any digit string (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,9}(\.[0-9]{1,2})?$/), (s) => {
        const [int, frac = ""] = s.split(".");
        expect(parseYuanToFen(s)).toBe(Number(BigInt(int!) * 100n + BigInt(frac.padEnd(2, "0"))));
      }),
    );
  });
});

describe("payout accounts", () => {
  it("accepts each method's account forms", () => {
    expect(isValidPayoutAccount("wechat", "zhang_tuan88")).toBe(true);
    expect(isValidPayoutAccount("wechat", "138 0013 8000")).toBe(true);
    expect(isValidPayoutAccount("wechat", "8zhang")).toBe(false);
    expect(isValidPayoutAccount("wechat", "ab")).toBe(false);
    expect(isValidPayoutAccount("alipay", "+86 13800138000")).toBe(true);
    expect(isValidPayoutAccount("alipay", "Zhang@Example.com")).toBe(true);
    expect(isValidPayoutAccount("alipay", "zhang")).toBe(false);
    expect(isValidPayoutAccount("bank", "6222 0202 0000 1234 567")).toBe(true);
    expect(isValidPayoutAccount("bank", "6222-0202-0000")).toBe(true);
    expect(isValidPayoutAccount("bank", "12345")).toBe(false);
    expect(isValidPayoutAccount("bank", "6222abcd00001234")).toBe(false);
  });

  it("normalises before storing and masks for display", () => {
    expect(normalisePayoutAccount("bank", "6222 0202 0000 1234 567")).toBe("6222020200001234567");
    expect(normalisePayoutAccount("alipay", "Zhang@Example.com")).toBe("zhang@example.com");
    expect(normalisePayoutAccount("wechat", "+86 138-0013-8000")).toBe("13800138000");
    expect(maskPayoutAccount("bank", "6222020200001234567")).toBe("**** 4567");
    expect(maskPayoutAccount("alipay", "13800138000")).toBe("138****8000");
    expect(maskPayoutAccount("alipay", "zhang@example.com")).toBe("z***@example.com");
    expect(maskPayoutAccount("wechat", "zhang_tuan88")).toBe("zh****88");
  });
});

describe("the withdrawal form", () => {
  // As the server reads the posted form (conform: empty fields are missing).
  const parse = (input: Record<string, string>) => {
    const form = new FormData();
    for (const [k, val] of Object.entries({ intent: "request-withdrawal", ...input })) form.set(k, val);
    return parseWithValibot(form, { schema: WithdrawalInput });
  };
  const fieldErrors = (input: Record<string, string>) => {
    const r = parse(input);
    return r.status === "success" ? {} : r.error;
  };

  it("accepts a complete request", () => {
    const r = parse({ amount: "50.5", method: "alipay", account: " 13800138000 " });
    expect(r.status === "success" && r.value).toEqual({ intent: "request-withdrawal", amount: "50.5", method: "alipay", account: "13800138000" });
  });

  it("reports each field's problem", () => {
    expect(fieldErrors({ amount: "", method: "", account: "  " })).toMatchObject({ amount: ["amount_required"], method: ["method_required"], account: ["account_required"] });
    expect(fieldErrors({ amount: "1.234", method: "paypal", account: "x" })).toMatchObject({ amount: ["amount_invalid"], method: ["method_required"] });
    expect(fieldErrors({ amount: "0.00", method: "bank", account: "12" })).toEqual({ amount: ["amount_zero"], account: ["account_invalid"] });
    expect(fieldErrors({ amount: "10", method: "bank", account: "1".repeat(65) })).toEqual({ account: ["account_too_long"] });
  });
});
