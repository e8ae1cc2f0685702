import * as v from "valibot";

/** Mainland mobile numbers, with or without +86, spaces or dashes. */
export const PHONE_PATTERN = /^(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}$/;

export function normalisePhone(input: string): string {
  return input.replace(/\D/g, "").replace(/^86(?=1\d{10}$)/, "");
}

export function normaliseEmail(input: string): string {
  return input.trim().toLowerCase();
}

export const Phone = v.pipe(
  v.string("phone_required"),
  v.trim(),
  v.nonEmpty("phone_required"),
  v.regex(PHONE_PATTERN, "phone_invalid"),
  v.description("Mainland China mobile number, e.g. 13800138000 or +86 138 0013 8000"),
);

export const Email = v.pipe(
  v.string("email_required"),
  v.trim(),
  v.nonEmpty("email_required"),
  v.maxLength(254, "email_invalid"),
  v.email("email_invalid"),
);

export const Password = v.pipe(
  v.string("password_required"),
  v.nonEmpty("password_required"),
  v.minLength(8, "password_too_short"),
  v.maxLength(128, "password_too_long"),
);

export const OneTimeCode = v.pipe(
  v.string("code_required"),
  v.trim(),
  v.nonEmpty("code_required"),
  v.regex(/^\d{6}$/, "code_format"),
  v.description("The 6-digit code sent by SMS or email"),
);

export const DisplayName = v.pipe(
  v.string("name_required"),
  v.trim(),
  v.nonEmpty("name_required"),
  v.maxLength(40, "name_too_long"),
);

export const Channel = v.picklist(["sms", "email"], "channel_invalid");

/** Request a one-time code: by SMS to a phone, or by email. */
export const RequestCodeInput = v.variant("channel", [
  v.object({ channel: v.literal("sms"), phone: Phone }),
  v.object({ channel: v.literal("email"), email: Email }),
]);
export type RequestCodeInput = v.InferOutput<typeof RequestCodeInput>;

export const CodeSignInInput = v.variant("channel", [
  v.object({ channel: v.literal("sms"), phone: Phone, code: OneTimeCode }),
  v.object({ channel: v.literal("email"), email: Email, code: OneTimeCode }),
]);
export type CodeSignInInput = v.InferOutput<typeof CodeSignInInput>;

export const PasswordSignInInput = v.object({ email: Email, password: Password });
export type PasswordSignInInput = v.InferOutput<typeof PasswordSignInInput>;

export const SignUpInput = v.object({ displayName: DisplayName, email: Email, password: Password });
export type SignUpInput = v.InferOutput<typeof SignUpInput>;

export const ChangePasswordInput = v.object({
  intent: v.literal("change-password"),
  currentPassword: v.optional(v.pipe(v.string(), v.maxLength(128, "password_too_long"))),
  newPassword: Password,
});
