import { parseWithValibot } from "~/lib/form-submission";
import type { AppContext } from "~/context.server";
import { handOver, lookupPickupCode, type HandoverOrderView } from "./handover.server";
import { parsePickupCode } from "./handover";
import { HandoverForm, LookupForm } from "./schemas";

/**
 * What the hand-over page's form action answers (the typed-code flow, which works without
 * JavaScript: look the code up → show the order → confirm). With JavaScript the page matches codes
 * in its local list and confirms through POST /api/v1/leader/pickups instead; it only asks this
 * action to look up codes its list does not know.
 */
export type HandoverActionData =
  | { step: "lookup"; code: string; clientRef: string; order: HandoverOrderView; error: string | null; fieldErrors: Record<string, string[]> }
  | { step: "done"; customerName: string; completed: boolean; units: number; left: number }
  | { step: "error"; error: string; typed: string; fieldErrors?: Record<string, string[]> };

const STATUS: Record<string, number> = {
  code_not_found: 404,
  code_other_point: 404,
  order_not_found: 404,
  rate_limited: 429,
  line_unknown: 400,
  line_duplicate: 400,
  quantity_invalid: 400,
  nothing_selected: 400,
  handed_at_invalid: 400,
  code_required: 400,
  code_invalid: 400,
  intent_invalid: 400,
  client_ref_invalid: 400,
};
const statusOf = (code: string) => STATUS[code] ?? 409;

function firstError(errors: Record<string, string[] | null> | null | undefined): { field: string; code: string } {
  for (const [field, list] of Object.entries(errors ?? {})) {
    // valibot's own sentence (a missing key) is not one of our codes
    if (list?.[0]) return { field, code: list[0].includes(" ") ? (field === "code" ? "code_required" : "intent_invalid") : list[0] };
  }
  return { field: "", code: "intent_invalid" };
}

/** The failing field, for the answer's field-level errors. */
const fieldErrorsOf = ({ field, code }: { field: string; code: string }) => (field ? { [field]: [code] } : {});

export async function handoverFormAction(
  ctx: AppContext,
  input: { pickupPointId: string; userId: string; form: FormData },
): Promise<{ status: number; body: HandoverActionData }> {
  const { pickupPointId, userId, form } = input;
  const typed = String(form.get("code") ?? "").slice(0, 40);
  const intent = form.get("intent");

  /** The order again (to show it with the problem), or a plain error when the code finds none. */
  const again = async (code: string, clientRef: string, error: string, fieldErrors: Record<string, string[]> = {}) => {
    const found = await lookupPickupCode(ctx, { pickupPointId, userId, code });
    if (!found.ok) return { status: statusOf(found.error.code), body: { step: "error" as const, error: found.error.code, typed } };
    return { status: statusOf(error), body: { step: "lookup" as const, code, clientRef, order: found.value, error, fieldErrors } };
  };

  if (intent === "lookup") {
    const parsed = parseWithValibot(form, { schema: LookupForm });
    if (parsed.status !== "success") {
      const first = firstError(parsed.error);
      return { status: 400, body: { step: "error", error: first.code, typed, fieldErrors: fieldErrorsOf(first) } };
    }
    const found = await lookupPickupCode(ctx, { pickupPointId, userId, code: parsed.value.code });
    if (!found.ok) return { status: statusOf(found.error.code), body: { step: "error", error: found.error.code, typed } };
    const error = found.value.refusal;
    return {
      status: error ? statusOf(error) : 200,
      body: { step: "lookup", code: parsed.value.code, clientRef: crypto.randomUUID(), order: found.value, error, fieldErrors: {} },
    };
  }

  if (intent === "handover") {
    const parsed = parseWithValibot(form, { schema: HandoverForm });
    const code = parsePickupCode(typed);
    const clientRef = String(form.get("clientRef") ?? "");
    if (parsed.status !== "success") {
      const first = firstError(parsed.error);
      if (!code) return { status: 400, body: { step: "error", error: first.code, typed, fieldErrors: fieldErrorsOf(first) } };
      return again(code, /^[\x21-\x7e]{8,64}$/.test(clientRef) ? clientRef : crypto.randomUUID(), first.code, { [first.field]: [first.code] });
    }
    const done = await handOver(ctx, { pickupPointId, leaderUserId: userId, code: parsed.value.code, lines: parsed.value.lines, clientRef: parsed.value.clientRef });
    if (!done.ok) {
      if (done.error.code === "code_not_found" || done.error.code === "code_other_point" || done.error.code === "rate_limited") {
        return { status: statusOf(done.error.code), body: { step: "error", error: done.error.code, typed } };
      }
      return again(parsed.value.code, parsed.value.clientRef, done.error.code, done.error.field ? { [done.error.field]: [done.error.code] } : {});
    }
    const view = await lookupPickupCode(ctx, { pickupPointId, userId, code: parsed.value.code });
    return {
      status: 200,
      body: {
        step: "done",
        customerName: view.ok ? view.value.customerName : "",
        completed: done.value.completed,
        units: done.value.lines.reduce((s, l) => s + l.quantity, 0),
        left: done.value.remaining.reduce((s, l) => s + l.remaining, 0),
      },
    };
  }

  return { status: 400, body: { step: "error", error: "intent_invalid", typed, fieldErrors: { intent: ["intent_invalid"] } } };
}
