/** Simplified Chinese: /api/v1 error messages. Server only (app/api/errors.ts). */
const zhCNApi = {
  api: {
    errors: {
      unknown: "请求失败。",
      validation_failed: "输入有误，请检查标出的字段。",
      rate_limited: "请求太频繁，请稍后再试。",
      unauthorized: "请先登录。",
      forbidden: "没有权限。",
      not_found: "找不到请求的资源。",
      method_not_allowed: "不支持这个请求方法。",
      invalid_json: "请求体不是合法的 JSON。",
      unsupported_media_type: "请求体必须是 application/json。",
      payload_too_large: "请求体太大。",
      internal: "服务器出错了，请稍后重试。",
      code_invalid: "验证码不正确。",
      code_expired: "验证码已过期。",
      code_attempts: "错误次数太多，验证码已失效。",
      credentials_invalid: "邮箱或密码不正确。",
      account_disabled: "该账号已被停用。",
      forbidden_origin: "拒绝跨站请求。",
      door_delivery_unavailable: "这个自提点不提供送货上门。",
      delivery_address_required: "送货上门需要一个收货地址。",
      address_not_found: "找不到这个地址。",
      // Leader hand-over and arrivals (/leader/…).
      code_not_found: "这个自提点没有这个取货码的订单。",
      code_other_point: "这个取货码属于其他自提点的订单。",
      order_not_found: "这个自提点没有这个订单。",
      already_collected: "这个订单已经取走了。",
      not_arrived: "这个订单的商品还没有到货。",
      order_refunding: "这个订单正在退款，暂不能取货。",
      order_refunded: "这个订单已退款。",
      order_cancelled: "这个订单已取消。",
      handover_conflict: "这个订单刚刚在另一台设备上核销了，请刷新后再看。",
      quantity_over_remaining: "取货数量超过了剩余未取的数量。",
      idempotency_key_reused: "这个 Idempotency-Key 已用于另一次核销。",
      batch_not_found: "这个自提点没有这个配送批次。",
      not_shipped: "这个批次还没发货，或已经确认过到货。",
    },
  },
};

export default zhCNApi;
