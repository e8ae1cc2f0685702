import type { AppLoadContext, EntryContext } from "@remix-run/cloudflare";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { getI18n } from "./i18n/i18n";
import { NonceProvider } from "./lib/nonce";
import { resolveLocale } from "./lib/preferences.server";

/**
 * Documents are rendered whole with `renderToString`, not streamed: in workerd React 18's stream
 * renderer costs ~4× as much CPU as the string renderer for the same page (512-byte chunks through
 * a JS ReadableStream; see docs/benchmarks.md), and no loader here defers data, so streaming would
 * not show anything sooner. ADR 011 has the reasoning and the trade-off.
 *
 * Single fetch hands the loader data to the browser through `serverHandoffStream` (turbo-stream),
 * which `<RemixServer>` renders chunk by chunk inside Suspense — something only a streaming
 * renderer can wait for. So the stream is read to its end first and given to the renderer as one
 * settled chunk (`prefillHandoff`), and the page carries the complete data in one inline script.
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext
) {
  const nonce = loadContext.request?.nonce ?? "";
  const i18n = getI18n(resolveLocale(request));
  await prefillHandoff(remixContext);
  const html = renderToString(
    <NonceProvider value={nonce}>
      <I18nextProvider i18n={i18n}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </I18nextProvider>
    </NonceProvider>
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  responseHeaders.set("Content-Language", i18n.language);
  return new Response(`<!DOCTYPE html>${html}`, {
    headers: responseHeaders,
    status: responseStatusCode,
  });
}

/**
 * Reads the whole single-fetch handoff stream and stores it as the first — and last — chunk in the
 * cache `StreamTransfer` consults before it would suspend, so the string renderer emits the data
 * script and the `streamController.close()` script synchronously. The reader's lock is released so
 * `<RemixServer>` can still take its own (already finished) reader.
 */
async function prefillHandoff(context: EntryContext) {
  const stream = context.serverHandoffStream;
  if (!stream) return;
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  text += decoder.decode();
  reader.releaseLock();
  const renderMeta = (context.renderMeta ??= {});
  renderMeta.streamCache = {
    0: Object.assign(Promise.resolve(), {
      result: { done: true, value: text },
    }),
  };
}
