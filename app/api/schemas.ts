import * as v from "valibot";
import { ROLES } from "~/modules/identity/roles";
import { Email, OneTimeCode, Password, Phone } from "~/modules/identity/schemas";

export const RequestCodeBody = v.variant("channel", [
  v.object({ channel: v.literal("sms"), phone: Phone }),
  v.object({ channel: v.literal("email"), email: Email }),
]);

export const RequestCodeResponse = v.object({
  sent: v.literal(true),
  expiresAt: v.pipe(v.number(), v.integer(), v.description("When the code stops working (UTC epoch ms)")),
});

export const SignInBody = v.variant("method", [
  v.object({ method: v.literal("code"), channel: v.literal("sms"), phone: Phone, code: OneTimeCode }),
  v.object({ method: v.literal("code"), channel: v.literal("email"), email: Email, code: OneTimeCode }),
  v.object({ method: v.literal("password"), email: Email, password: Password }),
]);

export const UserBody = v.object({
  id: v.string(),
  displayName: v.string(),
  email: v.nullable(v.pipe(v.string(), v.description("The user's own email (shown to its owner only)"))),
  phoneMasked: v.nullable(v.pipe(v.string(), v.description("e.g. 138****8000"))),
  locale: v.string(),
  roles: v.array(v.picklist(ROLES)),
});

export const SignInResponse = v.object({
  token: v.pipe(v.string(), v.description("Bearer token for the Authorization header")),
  tokenType: v.literal("Bearer"),
  expiresAt: v.pipe(v.number(), v.integer(), v.description("UTC epoch ms; renewed on use past half-life")),
  user: UserBody,
});

export const MeResponse = v.object({ user: UserBody });
