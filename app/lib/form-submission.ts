import { parseWithValibot as conformParse } from "@conform-to/valibot";
import * as v from "valibot";

const CONTROLS = ["__intent__", "__state__"] as const;

/** What a forged Conform control is answered with: an error on that field, in the submission's own shape. */
const ForgedControl = v.object({ __intent__: v.never("form_control_invalid") }, "form_control_invalid");

/**
 * `parseWithValibot` for actions. Conform reads its own controls (`__intent__`, `__state__`) with
 * JSON.parse and throws on anything it did not write itself (not JSON, no type, a list operation
 * on a non-list, a file) — a hand-made POST would be a 500. Such a submission is answered as an
 * error on `__intent__` (`form_control_invalid`) instead, and no value reaches the action.
 */
export const parseWithValibot = ((payload: FormData | URLSearchParams, config: Parameters<typeof conformParse>[1]) => {
  try {
    return conformParse(payload, config);
  } catch (error) {
    if (!CONTROLS.some((name) => payload.has(name))) throw error;
    const fields = new FormData();
    for (const [name, value] of payload.entries()) if (!(CONTROLS as readonly string[]).includes(name)) fields.append(name, value);
    return conformParse(fields, { schema: ForgedControl });
  }
}) as typeof conformParse;
