import { parseWithValibot as conformParse } from "@conform-to/valibot";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { parseWithValibot } from "./form-submission";

const Schema = v.object({ name: v.pipe(v.string(), v.minLength(1)) });

function form(entries: Array<[string, string | File]>): FormData {
  const f = new FormData();
  for (const [k, val] of entries) f.append(k, val);
  return f;
}

describe("parseWithValibot (forged Conform controls)", () => {
  it("parses ordinary submissions exactly as Conform does", () => {
    const f = form([["name", "阿强"]]);
    expect(parseWithValibot(f, { schema: Schema }).status).toBe("success");
    expect(parseWithValibot(f, { schema: Schema }).payload).toEqual(conformParse(f, { schema: Schema }).payload);
    const validate = form([["name", ""], ["__intent__", JSON.stringify({ type: "validate", payload: { name: "name" } })]]);
    expect(parseWithValibot(validate, { schema: Schema }).status).toBe(conformParse(validate, { schema: Schema }).status);
  });

  it.each([
    ["not JSON", "１２３"],
    ["null", "null"],
    ["no type", "{}"],
    ["a list operation on a non-list", JSON.stringify({ type: "remove", payload: { name: "name", index: 0 } })],
    ["a name that is not a string", JSON.stringify({ type: "insert", payload: { name: 5 } })],
    ["a reserved path", JSON.stringify({ type: "reset", payload: { name: "__proto__" } })],
  ])("answers a forged __intent__ (%s) as an error on that field, where Conform throws", (_label, intent) => {
    const f = form([["name", "阿强"], ["__intent__", intent]]);
    expect(() => conformParse(f, { schema: Schema })).toThrow();
    const submission = parseWithValibot(f, { schema: Schema });
    expect(submission.status).toBe("error");
    expect(submission.reply().error).toEqual({ __intent__: ["form_control_invalid"] });
  });

  it("answers a forged __state__ or a file in a control the same way", () => {
    for (const f of [form([["name", "x"], ["__state__", "nope"]]), form([["name", "x"], ["__intent__", new File(["{}"], "a.json")]])]) {
      const submission = parseWithValibot(f, { schema: Schema });
      expect(submission.status).toBe("error");
      expect(submission.reply().error).toEqual({ __intent__: ["form_control_invalid"] });
    }
  });
});
