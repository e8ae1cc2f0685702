import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import {
  Channel,
  CodeSignInInput,
  DisplayName,
  Email,
  OneTimeCode,
  Password,
  PasswordSignInInput,
  Phone,
  RequestCodeInput,
  SignUpInput,
  normaliseEmail,
  normalisePhone,
} from "./schemas";

/** The issue messages of a failed parse (they are i18n keys), or [] on success. */
function messages(schema: v.GenericSchema, input: unknown): string[] {
  const result = v.safeParse(schema, input);
  return result.success ? [] : result.issues.map((i) => i.message);
}

/** The first issue's message: what a form shows for an empty field (later pipe steps may add more). */
function firstMessage(schema: v.GenericSchema, input: unknown): string | undefined {
  return messages(schema, input)[0];
}

const mobile = fc.stringMatching(/^1[3-9]\d{9}$/);

describe("Phone", () => {
  it.each(["13800138000", "+86 138 0013 8000", "86-138-0013-8000", "+8613800138000", "138 0013 8000", "138-0013-8000", "19912345678", "  13800138000  "])(
    "accepts %s",
    (input) => {
      expect(messages(Phone, input)).toEqual([]);
    },
  );

  it.each(["12345", "23800138000", "1380013800", "138001380000", "12800138000", "+1 138 0013 8000", "138-0013-800a", "1380 013 8000", "+86  13800138000"])(
    "rejects %s with phone_invalid",
    (input) => {
      expect(messages(Phone, input)).toEqual(["phone_invalid"]);
    },
  );

  it("requires a value", () => {
    expect(firstMessage(Phone, "")).toBe("phone_required");
    expect(firstMessage(Phone, "   ")).toBe("phone_required");
    expect(messages(Phone, undefined)).toEqual(["phone_required"]);
    expect(messages(Phone, 13800138000)).toEqual(["phone_required"]);
  });

  it("trims the value it outputs", () => {
    expect(v.parse(Phone, "  13800138000 ")).toBe("13800138000");
  });

  it("accepts every mainland mobile number in its plain and +86 forms (property)", () => {
    fc.assert(
      fc.property(mobile, (phone) => {
        const spaced = `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
        for (const form of [phone, `+86${phone}`, `86-${phone}`, spaced]) expect(messages(Phone, form)).toEqual([]);
      }),
    );
  });
});

describe("normalisePhone", () => {
  it.each([
    ["13800138000", "13800138000"],
    ["+86 138 0013 8000", "13800138000"],
    ["86-138-0013-8000", "13800138000"],
    ["+8613800138000", "13800138000"],
    ["138-0013-8000", "13800138000"],
  ])("%s → %s", (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });

  it("keeps an 86 that is not a country prefix", () => {
    // 11 digits starting with 86 are not a +86 mobile: nothing to strip.
    expect(normalisePhone("86123456789")).toBe("86123456789");
  });

  it("maps every accepted form of a number to the same 11 digits (property)", () => {
    fc.assert(
      fc.property(mobile, fc.constantFrom("", "+86", "+86 ", "86-", "86"), fc.constantFrom("", " ", "-"), (phone, prefix, sep) => {
        const input = `${prefix}${phone.slice(0, 3)}${sep}${phone.slice(3, 7)}${sep}${phone.slice(7)}`;
        expect(v.safeParse(Phone, input).success).toBe(true);
        expect(normalisePhone(input)).toBe(phone);
      }),
    );
  });
});

describe("Email / normaliseEmail", () => {
  it("accepts ordinary addresses", () => {
    expect(messages(Email, "alice@example.com")).toEqual([]);
    expect(messages(Email, " Alice.Smith+tag@example.co.uk ")).toEqual([]);
  });

  it.each(["alice", "alice@", "@example.com", "a b@example.com", "alice@example"])("rejects %s with email_invalid", (input) => {
    expect(messages(Email, input)).toContain("email_invalid");
  });

  it("requires a value", () => {
    expect(firstMessage(Email, "")).toBe("email_required");
    expect(messages(Email, null)).toEqual(["email_required"]);
  });

  it("rejects addresses over 254 characters", () => {
    const long = `${"a".repeat(60)}@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(20)}.com`;
    expect(long.length).toBeGreaterThan(254);
    expect(messages(Email, long)).toContain("email_invalid");
  });

  it("normalises by trimming and lower-casing", () => {
    expect(normaliseEmail("  Alice@Example.COM ")).toBe("alice@example.com");
  });
});

describe("OneTimeCode", () => {
  it("accepts exactly six digits", () => {
    expect(messages(OneTimeCode, "000000")).toEqual([]);
    expect(messages(OneTimeCode, "123456")).toEqual([]);
    expect(v.parse(OneTimeCode, " 123456 ")).toBe("123456");
  });

  it.each(["12345", "1234567", "12345a", "12 3456", "１２３４５６", "-12345"])("rejects %s with code_format", (input) => {
    expect(messages(OneTimeCode, input)).toEqual(["code_format"]);
  });

  it("requires a value", () => {
    expect(firstMessage(OneTimeCode, "")).toBe("code_required");
    expect(messages(OneTimeCode, 123456)).toEqual(["code_required"]);
  });

  it("accepts a string iff it is six ASCII digits (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (s) => {
        expect(v.safeParse(OneTimeCode, s).success).toBe(/^\d{6}$/.test(s.trim()));
      }),
    );
  });
});

describe("Password / DisplayName / Channel", () => {
  it("Password: 8 to 128 characters", () => {
    expect(firstMessage(Password, "")).toBe("password_required");
    expect(messages(Password, "1234567")).toEqual(["password_too_short"]);
    expect(messages(Password, "12345678")).toEqual([]);
    expect(messages(Password, "x".repeat(128))).toEqual([]);
    expect(messages(Password, "x".repeat(129))).toEqual(["password_too_long"]);
  });

  it("Password is not trimmed", () => {
    expect(v.parse(Password, " spaced password ")).toBe(" spaced password ");
  });

  it("DisplayName: required, at most 40 characters after trimming", () => {
    expect(messages(DisplayName, "  ")).toEqual(["name_required"]);
    expect(messages(DisplayName, "x".repeat(41))).toEqual(["name_too_long"]);
    expect(v.parse(DisplayName, "  小王  ")).toBe("小王");
  });

  it("Channel: sms or email", () => {
    expect(messages(Channel, "sms")).toEqual([]);
    expect(messages(Channel, "email")).toEqual([]);
    expect(messages(Channel, "fax")).toEqual(["channel_invalid"]);
  });
});

describe("RequestCodeInput", () => {
  it("accepts an SMS request and normalises nothing but whitespace", () => {
    const result = v.safeParse(RequestCodeInput, { channel: "sms", phone: " +86 138 0013 8000 " });
    expect(result.success && result.output).toEqual({ channel: "sms", phone: "+86 138 0013 8000" });
  });

  it("accepts an email request", () => {
    const result = v.safeParse(RequestCodeInput, { channel: "email", email: "a@example.com" });
    expect(result.success && result.output).toEqual({ channel: "email", email: "a@example.com" });
  });

  it("reports the bad phone as phone_invalid at path phone", () => {
    const result = v.safeParse(RequestCodeInput, { channel: "sms", phone: "12345" });
    expect(result.success).toBe(false);
    expect(result.issues?.map((i) => [v.getDotPath(i), i.message])).toEqual([["phone", "phone_invalid"]]);
  });

  it("requires the field that belongs to the channel", () => {
    const sms = v.safeParse(RequestCodeInput, { channel: "sms", email: "a@example.com" });
    expect(sms.success).toBe(false);
    expect(sms.issues?.map((i) => v.getDotPath(i))).toEqual(["phone"]);
    const email = v.safeParse(RequestCodeInput, { channel: "email", phone: "13800138000" });
    expect(email.success).toBe(false);
    expect(email.issues?.map((i) => v.getDotPath(i))).toEqual(["email"]);
  });

  it("reports an empty phone as phone_required", () => {
    expect(firstMessage(RequestCodeInput, { channel: "sms", phone: "" })).toBe("phone_required");
    expect(firstMessage(RequestCodeInput, { channel: "email", email: " " })).toBe("email_required");
  });

  it("rejects an unknown or missing channel", () => {
    expect(v.safeParse(RequestCodeInput, { channel: "fax", phone: "13800138000" }).success).toBe(false);
    expect(v.safeParse(RequestCodeInput, { phone: "13800138000" }).success).toBe(false);
    expect(v.safeParse(RequestCodeInput, null).success).toBe(false);
  });

  it("drops unknown keys", () => {
    const result = v.safeParse(RequestCodeInput, { channel: "sms", phone: "13800138000", admin: true });
    expect(result.success && result.output).toEqual({ channel: "sms", phone: "13800138000" });
  });
});

describe("CodeSignInInput", () => {
  it("accepts SMS and email variants", () => {
    expect(messages(CodeSignInInput, { channel: "sms", phone: "13800138000", code: "123456" })).toEqual([]);
    expect(messages(CodeSignInInput, { channel: "email", email: "a@example.com", code: "000001" })).toEqual([]);
  });

  it("reports each bad field with its own key", () => {
    const result = v.safeParse(CodeSignInInput, { channel: "sms", phone: "1380013800", code: "12345" });
    expect(result.success).toBe(false);
    expect(result.issues?.map((i) => [v.getDotPath(i), i.message])).toEqual([
      ["phone", "phone_invalid"],
      ["code", "code_format"],
    ]);
  });

  it("requires the code", () => {
    const missing = v.safeParse(CodeSignInInput, { channel: "email", email: "a@example.com" });
    expect(missing.success).toBe(false);
    expect(missing.issues?.map((i) => v.getDotPath(i))).toEqual(["code"]);
    expect(firstMessage(CodeSignInInput, { channel: "email", email: "a@example.com", code: "" })).toBe("code_required");
  });
});

describe("PasswordSignInInput / SignUpInput", () => {
  it("validates email and password", () => {
    expect(messages(PasswordSignInInput, { email: "a@example.com", password: "password123" })).toEqual([]);
    expect(messages(PasswordSignInInput, { email: "nope", password: "short" })).toEqual(["email_invalid", "password_too_short"]);
  });

  it("validates the display name too", () => {
    expect(messages(SignUpInput, { displayName: "小王", email: "a@example.com", password: "password123" })).toEqual([]);
    expect(messages(SignUpInput, { displayName: "", email: "a@example.com", password: "password123" })).toEqual(["name_required"]);
  });
});
