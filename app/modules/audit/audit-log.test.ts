import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { translate } from "~/i18n/i18n";
import { AUDIT_GROUPS, auditActionKey, parseAuditQuery } from "./audit-log";

const appDir = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/**
 * Every audit action the code writes, read from the source: `action: "a.b"` literals, and
 * template literals whose variable part is a union spelled next to it (`product.image_${change}`
 * with `change: "delete" | "up" | "down"`).
 */
function writtenActions(): string[] {
  const found = new Set<string>();
  for (const file of sourceFiles(appDir)) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("auditLog") && !text.includes("auditStatement")) continue;
    for (const m of text.matchAll(/action:\s*"([a-z_-]+(?:\.[a-z_-]+)+)"/g)) found.add(m[1]!);
    for (const m of text.matchAll(/\?\s*"([a-z_-]+(?:\.[a-z_-]+)+)"\s*:\s*"([a-z_-]+(?:\.[a-z_-]+)+)"/g)) {
      found.add(m[1]!);
      found.add(m[2]!);
    }
    for (const m of text.matchAll(/action:\s*`([a-z_.-]+)\$\{(\w+)\}`/g)) {
      const union = new RegExp(`${m[2]}: ((?:"[a-z_-]+"(?: \\| )?)+)`).exec(text);
      expect(union, `the values of \${${m[2]}} in ${file}`).not.toBeNull();
      for (const v of union![1]!.matchAll(/"([a-z_-]+)"/g)) found.add(`${m[1]}${v[1]}`);
    }
  }
  return [...found].sort();
}

describe("audit actions", () => {
  const actions = writtenActions();

  it("finds the actions the code writes", () => {
    expect(actions).toContain("merchant.approve");
    expect(actions).toContain("product.image_delete");
    expect(actions.length).toBeGreaterThan(30);
  });

  it.each(actions)("%s belongs to an area and has a label in both languages", (action) => {
    expect(AUDIT_GROUPS).toContain(action.slice(0, action.indexOf(".")));
    for (const locale of ["zh-CN", "en"]) {
      const label = translate(locale, auditActionKey(action), { defaultValue: "" });
      expect(label, `${locale} label of ${action}`).not.toBe("");
    }
  });
});

describe("parseAuditQuery", () => {
  it("reads the filters and ignores empty ones", () => {
    const parsed = parseAuditQuery(new URLSearchParams("q=+approve+&group=merchant&from=2026-11-01&to=2026-11-25&entityId="));
    expect(parsed.success && parsed.output).toEqual({ q: "approve", group: "merchant", from: "2026-11-01", to: "2026-11-25" });
  });

  it("reads a cursor as time and id", () => {
    const parsed = parseAuditQuery(new URLSearchParams("cursor=1795632829389_aud_0123456789abcdefghij"));
    expect(parsed.success && parsed.output.cursor).toEqual({ at: 1795632829389, id: "aud_0123456789abcdefghij" });
  });

  it.each([
    ["group=nope", "group"],
    ["from=2026-13-01", "from"],
    ["from=2026-11-25&to=2026-11-01", "to"],
    ["actor=admin", "actor"],
    ["cursor=1_2", "cursor"],
    [`q=${"x".repeat(101)}`, "q"],
  ])("refuses %s on the field %s", (query, field) => {
    const parsed = parseAuditQuery(new URLSearchParams(query));
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.issues.some((i) => i.path?.[0]?.key === field)).toBe(true);
  });
});
