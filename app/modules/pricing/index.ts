/** The pricing engine (ADR 009): pure functions from a cart and promotions to an itemised price. */
export { allocateProportionally } from "./allocate";
export { bestTier, isActive, pickBestCoupon, priceCart } from "./price-cart";
export { BP_SCALE, basisPointsOf } from "./rounding";
export * from "./types";
export * from "./validate";
