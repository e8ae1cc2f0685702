/**
 * Load shedding for flash-sale reservations (issue 8: over capacity the sale answers 503 fast and
 * never leaves a shopper waiting on a silent timeout). Two guards:
 *
 * - **In flight.** At most `FLASH_MAX_IN_FLIGHT` reservations (default 100) are worked on at once
 *   in one isolate; one more is refused at once with `busy` instead of queueing behind the others
 *   for D1 and the stock object.
 * - **Deadline.** The stock object must answer within `FLASH_RESERVE_DEADLINE_MS` (default 3,000);
 *   later is `busy` too. Retrying is safe: the shopper's idempotency key gets the reservation the
 *   object may still have made, and an unpaid one goes back to stock at its expiry anyway.
 *
 * `busy` is a 503 with `Retry-After: 1` on the page and in the API.
 */
export interface AdmissionLimits {
  maxInFlight: number;
  deadlineMs: number;
}

const DEFAULTS: AdmissionLimits = { maxInFlight: 100, deadlineMs: 3_000 };

const positive = (raw: string | undefined, fallback: number) => {
  const n = Number(raw);
  return raw !== undefined && Number.isSafeInteger(n) && n > 0 ? n : fallback;
};

export function admissionLimits(env: { FLASH_MAX_IN_FLIGHT?: string; FLASH_RESERVE_DEADLINE_MS?: string }): AdmissionLimits {
  return { maxInFlight: positive(env.FLASH_MAX_IN_FLIGHT, DEFAULTS.maxInFlight), deadlineMs: positive(env.FLASH_RESERVE_DEADLINE_MS, DEFAULTS.deadlineMs) };
}

let inFlight = 0;

/** Runs `work` if there is room, or answers `busy` at once. */
export async function admitted<T>(limits: AdmissionLimits, work: () => Promise<T>): Promise<T | "busy"> {
  if (inFlight >= limits.maxInFlight) return "busy";
  inFlight++;
  try {
    return await work();
  } finally {
    inFlight--;
  }
}

export class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}

/** `promise`, or a DeadlineExceeded rejection after `ms` (the promise itself goes on). */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(ms)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
