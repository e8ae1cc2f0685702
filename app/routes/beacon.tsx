import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import * as v from "valibot";
import { captureEvent, classifyPageView } from "~/modules/analytics/capture.server";
import { BeaconInput, flatErrors } from "~/modules/analytics/schemas";

/**
 * POST /beacon: the storefront's page views (app/components/analytics/page-beacon.tsx sends
 * `p=<path>` with navigator.sendBeacon). A page route, not an /api/v1 endpoint (ADR 016): its
 * body is an HTML-form type, which sendBeacon sends without a preflight and the Worker's page
 * rules accept, and the Worker's cross-site refusal (ADR 008) turns away every POST here whose
 * Origin is not this site, before this code runs. Answers 204 whether or not the view was
 * recorded (opted out, bot, console page); 400 with field errors for a malformed body.
 */
const NO_STORE = { "Cache-Control": "no-store" };

export function loader() {
  return new Response(null, { status: 405, headers: { Allow: "POST", ...NO_STORE } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "POST", ...NO_STORE } });
  if (Number(request.headers.get("Content-Length") ?? "0") > 2048) {
    return Response.json({ error: { code: "payload_too_large" } }, { status: 413, headers: NO_STORE });
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return Response.json({ error: { code: "validation_failed", fields: { p: ["path_invalid"] } } }, { status: 400, headers: NO_STORE });
  }
  const parsed = v.safeParse(BeaconInput, { p: form.get("p") ?? undefined });
  if (!parsed.success) return Response.json({ error: { code: "validation_failed", fields: flatErrors(parsed.issues) } }, { status: 400, headers: NO_STORE });
  const event = classifyPageView(parsed.output.p);
  if (event) await captureEvent(context, request, event);
  return new Response(null, { status: 204, headers: NO_STORE });
}
