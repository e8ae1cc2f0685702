/** After-sales constants shared by the server module and the order page (browser-safe). */
export const AFTER_SALES_REASONS = ["damaged", "wrong_item", "missing_item", "quality", "not_as_described", "other"] as const;
export type AfterSalesReason = (typeof AFTER_SALES_REASONS)[number];

export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
