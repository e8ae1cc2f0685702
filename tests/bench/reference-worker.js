/**
 * The benchmark's reference Worker: the least a Worker can do to answer the same questions as the
 * storefront, against the same D1 database, with no framework, no rendering and no middleware.
 * Every figure `npm run bench` prints for the app is read as a ratio against this Worker, measured
 * in the same run on the same machine, so machine speed mostly cancels out.
 *
 *   GET /ref/products           the storefront's product-list query (PRODUCT_CARD_COLUMNS, on-shelf,
 *                               best sellers first, 40 rows), as JSON
 *   GET /ref/search?match=EXPR  the raw FTS5 query for an already-built MATCH expression, as JSON
 *   GET /ref/hello              no D1 at all: the runtime's floor
 *   POST /ref/batch             setup only, never measured: runs {statements:[{sql,params}]} as one
 *                               D1 batch inside workerd (seeding through Miniflare's Node proxy
 *                               costs a synchronous round trip per prepare()/bind(): ~40 s for 20k
 *                               products instead of ~2 s)
 *
 * `env.CARD_COLUMNS` is the app's own PRODUCT_CARD_COLUMNS string, passed in as a binding by
 * tests/bench/run.ts, so the reference query cannot drift from the storefront's.
 */
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/ref/products": {
        const { results } = await env.DB.prepare(
          `SELECT ${env.CARD_COLUMNS} FROM products WHERE products.status = 'on_shelf' ORDER BY products.sold_count DESC, products.id LIMIT 40`,
        ).all();
        return Response.json({ items: results });
      }
      case "/ref/search": {
        const match = url.searchParams.get("match");
        if (!match) return Response.json({ error: "match required" }, { status: 400 });
        const { results } = await env.DB.prepare(
          "SELECT product_id FROM product_search WHERE product_search MATCH ? ORDER BY bm25(product_search) LIMIT 20",
        )
          .bind(match)
          .all();
        return Response.json({ items: results });
      }
      case "/ref/batch": {
        if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405 });
        const { statements } = await request.json();
        await env.DB.batch(statements.map((s) => env.DB.prepare(s.sql).bind(...s.params)));
        return Response.json({ ok: true, statements: statements.length });
      }
      case "/ref/hello":
        return new Response("hello");
      default:
        return new Response("Not Found", { status: 404 });
    }
  },
};
