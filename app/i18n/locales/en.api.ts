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
    },
  },
};

export default enApi;
