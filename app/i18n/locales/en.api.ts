/** English: /api/v1 error messages. Server only (app/api/errors.ts). */
const enApi = {
  api: {
    errors: {
      unknown: "The request failed.",
      validation_failed: "Some fields are invalid; see error.fields.",
      rate_limited: "Too many requests. Please try again later.",
      unauthorized: "Sign in first.",
      forbidden: "Not allowed.",
      not_found: "Not found.",
      method_not_allowed: "Method not allowed.",
      invalid_json: "The request body is not valid JSON.",
      unsupported_media_type: "The request body must be application/json.",
      payload_too_large: "The request body is too large.",
      internal: "Server error. Please try again shortly.",
      code_invalid: "The code is incorrect.",
      code_expired: "The code has expired.",
      code_attempts: "Too many wrong tries; the code no longer works.",
      credentials_invalid: "Email or password is incorrect.",
      account_disabled: "This account has been disabled.",
      forbidden_origin: "Cross-site request refused.",
      door_delivery_unavailable: "This pickup point doesn't deliver to the door.",
      delivery_address_required: "Door delivery needs one of your saved addresses.",
      address_not_found: "We couldn't find that address.",
      // Leader hand-over and arrivals (/leader/…).
      code_not_found: "No order at this pickup point has that pickup code.",
      code_other_point: "That pickup code belongs to an order for another pickup point.",
      order_not_found: "This pickup point has no such order.",
      already_collected: "This order has already been collected.",
      not_arrived: "The goods for this order haven't arrived yet.",
      order_refunding: "A refund is in progress for this order; it can't be collected now.",
      order_refunded: "This order has been refunded.",
      order_cancelled: "This order was cancelled.",
      handover_conflict: "This order was just handed over on another device; reload and check.",
      quantity_over_remaining: "That's more than is left to collect.",
      idempotency_key_reused: "This Idempotency-Key was already used for another hand-over.",
      batch_not_found: "This pickup point has no such delivery batch.",
      not_shipped: "This batch hasn't shipped yet, or its arrival was already confirmed.",
    },
  },
};

export default enApi;
