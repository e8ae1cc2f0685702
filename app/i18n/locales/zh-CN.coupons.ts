/**
 * zh-CN: coupons (issue 10 part 3). The storefront's part — the claim
 * centre, my coupons, the birthday form — spread into ./zh-CN.ts; the admin console's part is
 * ./zh-CN.admin-coupons.ts.
 */
const messages = {
  coupons: {
    centre: {
      title: "领券中心",
      lead: "先领券，下单时自动选出最划算的一张。",
      empty: "暂时没有可领的券，过几天再来看看。",
      claim: "立即领取",
      claimMore: "再领一张",
      claimLabel: "领取“{{name}}”",
      signInToClaim: "登录后领取",
      held_other: "已领 {{count}} 张",
      limitReached: "已领取",
      soldOut: "已抢光",
      limited_other: "限量 {{count}} 张",
      remaining: "剩余 {{percent}}%",
      remainingLabel: "剩余库存",
      perUser_other: "每人限领 {{count}} 张",
      validDays_other: "领取后 {{count}} 天内有效",
      validUntil: "有效期至 {{date}}",
      claimUntil: "{{date}} 前可领",
      funding: { platform: "平台券", merchant: "{{merchant}} 店铺券" },
      scope: {
        all: "全场通用",
        merchant: "仅限 {{merchant}} 的商品",
        categories: "限品类：{{names}}",
        products: "限商品：{{names}}",
      },
      goUse: "去使用",
      mine: "我的优惠券",
      claimed: "领取成功！“{{name}}”已放入券包，有效期至 {{date}}。",
      refused: {
        sold_out: "来晚了，这张券已经抢光了。",
        limit_reached: "你已领过这张券，达到每人限领数量。",
        not_active: "这张券现在不能领取（未开始、已暂停或已结束）。",
        not_claimable: "这张券不能在领券中心领取。",
        not_found: "找不到这张券。",
      },
    },
    terms: {
      fixed: "{{amount}}",
      fixedRule: "无门槛减 {{amount}}",
      percentage: "{{value}} 折",
      cap: "最高减 {{amount}}",
      minimum: "满 {{amount}} 可用",
      noMinimum: "无门槛",
    },
    mine: {
      tabs: "按状态查看",
      tab: { available: "可使用", used: "已使用", expired: "已过期" },
      tabCount: "{{label}}（{{count}}）",
      empty: { available: "没有可用的优惠券。去领券中心看看吧。", used: "还没有用过优惠券。", expired: "没有过期的优惠券。" },
      centreLink: "领券中心",
      centreHint: "去领更多优惠券",
      usedAt: "使用于 {{date}}",
      expiredAt: "已于 {{date}} 过期",
      source: { claim: "领取", segment: "平台赠送", birthday: "生日礼", share_reward: "分享奖励", admin: "平台赠送" },
    },
    birthday: {
      title: "生日",
      lead: "填写生日（只需月和日），生日当天会收到会员生日礼券（银卡、金卡会员）。",
      month: "月",
      day: "日",
      monthOption: "{{month}} 月",
      dayOption: "{{day}} 日",
      pick: "请选择",
      save: "保存生日",
      saved: "生日已保存。",
      current: "你的生日：{{month}} 月 {{day}} 日",
      notSet: "还没有填写生日。",
    },
    errors: {
      template_required: "请选择一张券。",
      template_invalid: "这张券不存在。",
      birthday_month_required: "请选择月份。",
      birthday_day_required: "请选择日期。",
      birthday_invalid: "这个日期不存在，请重新选择。",
    },
  },
};

export default messages;
