import * as v from "valibot";
import { translate } from "~/i18n/i18n";

/** SPEC §9 error body: `{ "error": { "code", "message", "fields"? } }`. */
export const ApiErrorBody = v.object({
  error: v.object({
    code: v.pipe(v.string(), v.description("Stable machine-readable code, e.g. validation_failed, rate_limited")),
    message: v.pipe(v.string(), v.description("Human-readable message in the request's language")),
    fields: v.optional(
      v.pipe(v.record(v.string(), v.array(v.string())), v.description("Per-field error codes, keyed by the field's dotted path")),
    ),
  }),
});

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly fields?: Record<string, string[]>,
    readonly headers?: Record<string, string>,
  ) {
    super(code);
  }
}

export function errorResponse(error: ApiError, locale: string): Response {
  const message = translate(locale, `api.errors.${error.code}`, { defaultValue: translate(locale, "api.errors.unknown") });
  const body = { error: { code: error.code, message, ...(error.fields ? { fields: error.fields } : {}) } };
  return Response.json(body, {
    status: error.status,
    headers: { "Cache-Control": "no-store", "Content-Language": locale, ...error.headers },
  });
}

/**
 * valibot issues → `{ "phone": ["phone_invalid"] }`. Our schemas carry i18n codes as messages;
 * valibot's own sentences become `required` (missing), `invalid_type` (e.g. a number for a
 * string) or `invalid`.
 */
export function fieldsFromIssues(issues: readonly v.BaseIssue<unknown>[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = v.getDotPath(issue) || "body";
    let code = issue.message;
    if (issue.kind === "schema" && issue.input !== undefined && issue.type !== "picklist" && issue.type !== "literal" && issue.type !== "variant") {
      code = "invalid_type";
    } else if (code.includes(" ")) {
      code = issue.input === undefined ? "required" : "invalid";
    }
    const list = (fields[key] ??= []);
    if (!list.includes(code)) list.push(code);
  }
  return fields;
}
