#!/usr/bin/env node
// A side experiment, not part of `npm run bench`: how much of an HTML page's cost in workerd is
// React 18's streaming renderer rather than rendering itself. One Worker renders the same synthetic
// product grid (N cards, ~30 kB of HTML at N=40) three ways:
//   /string           renderToString → one string body
//   /stream           renderToReadableStream → streamed body (what app/entry.server.tsx does)
//   /stream-buffered  renderToReadableStream, read to the end inside the Worker, sent as one string
// React 18's stream renderer writes 512-byte chunks (new Uint8Array(512) in
// react-dom-server.browser.production.min.js), so a 40 kB page is ~80 chunks through a JS
// ReadableStream. Run: node tests/bench/render-experiment.mjs [cards=40] [connections=32] [seconds=5]
import autocannon from "autocannon";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const [cards = 40, connections = 32, seconds = 5] = process.argv.slice(2).map(Number);

const source = `
import { renderToReadableStream, renderToString } from "react-dom/server";
function Card({ i }) {
  return (
    <li className="card flex flex-col gap-1 rounded-lg bg-white p-2 shadow-sm">
      <a href={"/products/prd_" + i} className="block">
        <div className="aspect-square w-full rounded bg-brand-50"><img src={"/images/p" + i + ".svg"} alt="" loading="lazy" width="160" height="160" /></div>
        <h3 className="line-clamp-2 text-sm font-medium">{"山东有机草莓 Shandong organic strawberries " + i}</h3>
      </a>
      <p className="flex items-baseline gap-1"><span className="font-bold text-brand-700">¥{(i * 1.3).toFixed(2)}</span><s className="text-xs text-muted">¥{(i * 1.6).toFixed(2)}</s><span className="ml-auto text-xs text-muted">已售 {i * 7}</span></p>
      <form method="post" action="/cart"><input type="hidden" name="skuId" value={"sku_" + i} /><button type="submit" className="btn btn-primary min-h-11" aria-label={"加入购物车 " + i}>+</button></form>
    </li>
  );
}
function Page({ n }) {
  return (<html lang="zh-CN"><head><meta charSet="utf-8" /><title>t</title></head><body><div className="mx-auto max-w-[30rem]"><ul className="grid grid-cols-2 gap-2">{Array.from({ length: n }, (_, i) => <Card key={i} i={i} />)}</ul></div></body></html>);
}
const html = { headers: { "content-type": "text/html; charset=utf-8" } };
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get("n") ?? 40);
    switch (url.pathname) {
      case "/string": return new Response("<!DOCTYPE html>" + renderToString(<Page n={n} />), html);
      case "/stream": return new Response(await renderToReadableStream(<Page n={n} />), html);
      case "/stream-buffered": return new Response(await new Response(await renderToReadableStream(<Page n={n} />)).text(), html);
      default: return new Response("Not Found", { status: 404 });
    }
  },
};`;

const bundle = await build({
  stdin: { contents: source, loader: "jsx", resolveDir: root },
  bundle: true,
  write: false,
  format: "esm",
  platform: "neutral",
  mainFields: ["browser", "module", "main"],
  conditions: ["workerd", "worker", "browser"],
  define: { "process.env.NODE_ENV": '"production"' },
  jsx: "automatic",
  minify: true,
});
const mf = new Miniflare({ modules: true, script: bundle.outputFiles[0].text, compatibilityDate: "2026-04-20", host: "127.0.0.1", port: 0, cf: false });
try {
  const base = (await mf.ready).toString();
  console.log(`${cards} cards, ${connections} connections, ${seconds} s per run, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  for (const round of [1, 2]) {
    for (const p of ["string", "stream", "stream-buffered"]) {
      const url = `${base}${p}?n=${cards}`;
      const bytes = (await (await fetch(url)).arrayBuffer()).byteLength;
      const r = await autocannon({ url, connections, duration: seconds });
      console.log(
        `round ${round} /${p.padEnd(16)} ${String(Math.round(r.requests.average)).padStart(6)} req/s  p50 ${r.latency.p50} ms  ` +
          `(${(bytes / 1000).toFixed(1)} kB, ${r.errors} errors, ${r.non2xx} non-2xx)`,
      );
    }
  }
} finally {
  await mf.dispose();
}

