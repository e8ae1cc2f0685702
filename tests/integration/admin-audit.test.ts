import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
const as: Record<string, Client> = {};
const TARGET = "usr_demoshopper030000000";

beforeAll(async () => {
  worker = await startWorker();
  const accounts = {
    shopper: "shopper1@demo.tuangou.test",
    leader: "leader1@demo.tuangou.test",
    merchant: "fruit@demo.tuangou.test",
    admin: "admin@demo.tuangou.test",
  };
  for (const [who, email] of Object.entries(accounts)) {
    const c = worker.client({ ip: `192.0.2.${Object.keys(as).length + 40}` });
    const res = await c.post("/login", { intent: "password", email, password: "demo-pass-2026" });
    expect(res.status, who).toBe(302);
    as[who] = c;
  }
  as.anonymous = worker.client({ ip: "192.0.2.98" });
  // One real admin action, written by the feature itself.
  const grant = await as.admin!.post("/admin/users?index", { intent: "grant-role", userId: TARGET, role: "leader" });
  expect(grant.status).toBe(200);
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const auditIds = (html: string) => [...html.matchAll(/data-audit-id="(aud_[0-9a-z]{20})"/g)].map((m) => m[1]!);

describe("the audit log page", () => {
  it("shows the admin's action with who, what and about whom", async () => {
    const res = await as.admin!.get("/admin/audit");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("操作日志");
    expect(html).toContain("授予角色");
    expect(html).toContain("user.role.grant");
    expect(html).toContain("平台管理员");
    expect(html).toContain(TARGET);
  });

  it("filters by area, by free text and by the object", async () => {
    const row = await worker.d1.prepare("SELECT id FROM audit_log WHERE action = 'user.role.grant' AND entity_id = ?").bind(TARGET).first<{ id: string }>();
    const inUser = auditIds(await (await as.admin!.get("/admin/audit?group=user")).text());
    expect(inUser).toContain(row!.id);
    const inMerchant = auditIds(await (await as.admin!.get("/admin/audit?group=merchant")).text());
    expect(inMerchant).not.toContain(row!.id);
    const byText = auditIds(await (await as.admin!.get(`/admin/audit?q=${encodeURIComponent("user.role")}`)).text());
    expect(byText).toContain(row!.id);
    const byEntity = auditIds(await (await as.admin!.get(`/admin/audit?entityType=user&entityId=${TARGET}`)).text());
    expect(byEntity).toEqual([row!.id]);
    // LIKE wildcards typed by the admin match themselves only.
    const wildcard = auditIds(await (await as.admin!.get("/admin/audit?q=%25")).text());
    expect(wildcard).not.toContain(row!.id);
    const future = auditIds(await (await as.admin!.get("/admin/audit?from=2099-01-01")).text());
    expect(future).toEqual([]);
  });

  it("answers bad filters with a field-level 400, never a 500", async () => {
    for (const [query, message] of [
      ["from=2026-13-01", "请输入正确的日期"],
      ["from=2026-11-25&to=2026-11-01", "结束日期不能早于开始日期"],
      ["group=nope", "请选择列表中的类别"],
      ["cursor=x", "翻页参数不正确"],
    ] as const) {
      const res = await as.admin!.get(`/admin/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.text(), query).toContain(message);
    }
  });

  it("pages newest first with a cursor that never repeats or skips an entry", async () => {
    const base = Date.UTC(2026, 0, 5, 2);
    const statements = Array.from({ length: 120 }, (_, i) =>
      worker.d1
        .prepare("INSERT INTO audit_log (id, actor_user_id, action, entity_type, entity_id, data, created_at) VALUES (?, NULL, 'fulfilment.cutoff.run', 'delivery_batch', ?, NULL, ?)")
        // Pairs share a timestamp, so the id breaks ties.
        .bind(`aud_pagetest${String(i).padStart(12, "0")}`, `dlb_${i}`, base + Math.floor(i / 2) * 1000),
    );
    await worker.d1.batch(statements);
    const seen: string[] = [];
    let url: string | null = "/admin/audit?from=2026-01-05&to=2026-01-05";
    for (let guard = 0; url && guard < 5; guard++) {
      const html: string = await (await as.admin!.get(url)).text();
      seen.push(...auditIds(html));
      const next: string | undefined = /<a [^>]*rel="next"[^>]*>/.exec(html)?.[0].match(/href="([^"]+)"/)?.[1];
      url = next ? next.replace(/&amp;/g, "&") : null;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    const expected = Array.from({ length: 120 }, (_, i) => `aud_pagetest${String(i).padStart(12, "0")}`).reverse();
    expect(seen).toEqual(expected);
  });

  it("exports the filtered entries as CSV with a BOM, in the viewer's language", async () => {
    const res = await as.admin!.get("/admin/audit.csv?group=user");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toContain("audit-log-all.csv");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split("\r\n");
    expect(lines[0]).toBe("时间（北京时间）,操作人,操作人编号,操作,操作代码,对象类型,对象编号,详情");
    expect(lines.some((l) => l.includes("授予角色,user.role.grant,用户," + TARGET))).toBe(true);
    expect(lines.every((l) => !l.includes("fulfilment.cutoff.run"))).toBe(true);
    const bad = await as.admin!.get("/admin/audit.csv?to=nope");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Record<string, string[]> } }).error.fields.to).toEqual(["date_invalid"]);
  });

  it("is for admins only", async () => {
    for (const who of ["shopper", "leader", "merchant"]) {
      expect((await as[who]!.get("/admin/audit")).status, who).toBe(403);
      expect((await as[who]!.get("/admin/audit.csv")).status, who).toBe(403);
    }
    const anon = await as.anonymous!.get("/admin/audit");
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });

  it("cannot be edited or deleted, even by the database's own users", async () => {
    await expect(worker.d1.prepare("UPDATE audit_log SET action = 'x' WHERE entity_id = ?").bind(TARGET).run()).rejects.toThrow(/append-only/);
    await expect(worker.d1.prepare("DELETE FROM audit_log WHERE entity_id = ?").bind(TARGET).run()).rejects.toThrow(/append-only/);
  });
});
