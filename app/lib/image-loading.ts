/**
 * Loading hints for images in a horizontal strip at the top of a page: the first cards are in the
 * first screen (one of them is usually the Largest Contentful Paint), so they load eagerly, and
 * the very first may ask for high fetch priority; the rest wait until scrolled near (lazy).
 * `fetchpriority` is spelled in lower case: React 18 passes it through as an attribute.
 */
export const FIRST_SCREEN_CARDS = 2;

export function aboveTheFold(index: number, lead = false): { loading: "eager" | "lazy"; fetchpriority?: "high" } {
  if (index >= FIRST_SCREEN_CARDS) return { loading: "lazy" };
  return lead && index === 0 ? { loading: "eager", fetchpriority: "high" } : { loading: "eager" };
}
