/** Expected failures are values, not exceptions: `{ ok: false, error }` names the field when there is one. */
export type Failure<C extends string = string> = {
  ok: false;
  error: { code: C; field?: string; retryAfterMs?: number };
};
export type Result<T, C extends string = string> = { ok: true; value: T } | Failure<C>;

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <C extends string>(code: C, field?: string, retryAfterMs?: number): Failure<C> => ({
  ok: false,
  error: { code, ...(field ? { field } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
});
