/** zh-CN: the notices block of the console messages (spread into ./zh-CN.console.ts). */
const messages = {
  notices: {
    title: "消息通知",
    meLink: "消息通知",
    unread_other: "{{count}} 条未读",
    unreadMark: "未读",
    markAllRead: "全部标为已读",
    markedRead_other: "已将 {{count}} 条消息标为已读",
    empty: "暂无消息。有新订单、到货等情况时，会在这里通知你。",
    pages: "翻页",
    older: "更早的消息",
    newest: "回到最新消息",
    fallback: { title: "新消息", body: "点开查看详情。" },
    // One block per notice kind: the title and body a reader sees (inbox and push), with the
    // notice's data as values.
    kinds: {
      share: {
        reward_points: { title: "分享奖励到账", body: "好友 {{friend}} 通过你的分享购买并已取货，你获得 {{points}} 积分。" },
        reward_coupon: { title: "分享奖励到账", body: "好友 {{friend}} 通过你的分享购买并已取货，你获得一张优惠券，可在“我的优惠券”查看。" },
        reward_fallback: { title: "分享奖励到账", body: "好友 {{friend}} 通过你的分享购买并已取货。奖励的优惠券已发完，改为奖励你 {{points}} 积分。" },
      },
      money: {
        withdrawal_paid: { title: "提现已到账", body: "你申请的 {{amount}} 提现已打款，请留意收款账户。" },
        withdrawal_rejected: { title: "提现申请未通过", body: "你申请的 {{amount}} 提现未通过：{{reason}}。金额已退回可提现余额。" },
        withdrawal_failed: { title: "提现打款失败", body: "你申请的 {{amount}} 提现打款失败（{{reason}}），金额已退回可提现余额，请核对收款账号后重新申请。" },
      },
      admin: {
        flash_sale_mismatch: { title: "限时抢购对账有差异", body_other: "“{{product}}”的限时抢购结束对账发现 {{count}} 处库存与订单不一致，请到限时抢购页面查看。" },
        reconciliation_differences: { title: "对账发现差异", body_other: "{{date}} 的每日对账发现 {{count}} 处差异，请到“对账”页查看并下载明细。" },
      },
      leader: {
        application_approved: { title: "团长申请已通过", body: "你的自提点“{{point}}”已通过审核，邀请码 {{code}}。" },
        application_rejected: { title: "团长申请未通过", body: "你的自提点“{{point}}”申请未通过：{{reason}}" },
        orders_uncollected: { title: "有订单超时未取", body_other: "有 {{count}} 个订单到货超过 {{days}} 天仍未取走，请联系顾客，或在“超时未取”中标记退回。" },
        new_order: { title: "新订单", body_other: "收到一笔新订单：{{count}} 件商品，实付 {{amount}}。" },
        batch_shipped: { title: "商家已发货", body_other: "{{merchant}} 已发出 {{date}} 的货（{{count}} 单），到货后请在“到货”页清点确认。" },
      },
      merchant: {
        product_approved: { title: "商品审核已通过", body: "“{{product}}”已通过审核并上架销售。" },
        product_rejected: { title: "商品审核未通过", body: "“{{product}}”未通过审核：{{reason}}。修改后可重新提交。" },
        application_approved: { title: "商家入驻已通过", body: "“{{store}}”已通过入驻审核，现在可以上架商品了。" },
        application_rejected: { title: "商家入驻未通过", body: "“{{store}}”的入驻申请未通过：{{reason}}。修改后可重新提交。" },
        group_deal_approved: { title: "拼团活动审核已通过", body: "“{{product}}”的拼团活动已通过审核，活动开始后顾客即可开团。" },
        group_deal_rejected: { title: "拼团活动审核未通过", body: "“{{product}}”的拼团活动未通过审核：{{reason}}。调整后可重新创建。" },
        flash_sale_approved: { title: "限时抢购审核已通过", body: "“{{product}}”的限时抢购已通过审核，{{stock}} 件已从库存中预留，活动开始后顾客即可抢购。" },
        flash_sale_rejected: { title: "限时抢购审核未通过", body: "“{{product}}”的限时抢购未通过审核：{{reason}}。调整后可重新创建。" },
        batch_arrived: {
          title: "团长已确认到货",
          body_zero: "{{point}} 已确认收到 {{date}} 的配送批次，无缺货。",
          body_other: "{{point}} 已确认收到 {{date}} 的配送批次，登记缺货 {{count}} 件，相关订单已退款。",
        },
      },
      coupon: {
        issued: { title: "你收到一张优惠券", body: "“{{name}}”已放入你的券包，下单时可用。" },
        birthday: { title: "生日快乐！", body: "送你一张 {{amount}} 生日礼券，30 天内下单可用。祝你生日快乐！" },
        expiring: { title: "优惠券快到期了", body_other: "“{{name}}”还有 {{count}} 天到期，别忘了使用。" },
      },
      order: {
        picked_up: { title: "已取货", body_other: "订单 {{orderId}} 已在自提点交付 {{count}} 件商品。如有问题，可在订单页申请售后。" },
        uncollected: { title: "订单待取货", body: "您的订单 {{orderId}} 已到自提点超过 {{days}} 天，请尽快取货；长时间未取，团长可能将商品退回。" },
        uncollected_returned: { title: "超时未取，已退回", body: "您的订单 {{orderId}} 超时未取，团长已将商品退回，{{amount}} 将原路退回。" },
        uncollected_forfeited: { title: "超时未取，订单已完成", body: "您的订单 {{orderId}} 超时未取，团长已将商品退回。按平台规则本单不退款，订单已完成。" },
        group_succeeded: { title: "拼团成功", body: "你参加的拼团已成团，按 {{size}} 人价每件 {{price}} 结算，差价 {{refund}} 原路退回。订单将随下次截单配送。" },
        group_failed: { title: "拼团未成功", body: "你参加的拼团到期未成团，已支付的 {{refund}} 全额原路退回。" },
        review_replied: { title: "商家回复了你的评价", body: "商家回复了你对“{{product}}”的评价，点开查看。" },
        flash_sale_started: { title: "你关注的限时抢购开始了", body: "“{{product}}”限时价 {{price}}，数量有限，先到先得。" },
        ready_for_pickup: { title: "商品已到自提点", body: "你的订单已到 {{point}}，请在 {{open}}–{{close}} 凭取货码取货。" },
      },
    },
    push: {
      title: "推送通知",
      checking: "正在检查这台设备……",
      unavailable: "本站暂未开通推送通知，新消息仍会显示在这里。",
      unsupported: "这个浏览器不支持推送通知（iPhone 需先把本站“添加到主屏幕”，再从主屏幕打开）。新消息仍会显示在这里。",
      denied: "你已禁止本站发送通知。如需开启：点地址栏左侧的图标 → 网站设置 → 通知，改为“允许”，然后刷新本页。",
      off: "开启后，新订单、到货等消息会推送到这台设备，不打开网页也能收到。",
      on: "已开启：消息会推送到这台设备。",
      turnOn: "开启推送",
      turnOff: "关闭推送",
      working: "请稍候……",
      failed: "未能开启推送（连不上推送服务）。站内消息不受影响，可稍后重试。",
      retry: "重试",
    },
    notifyCustomers: {
      title: "通知顾客取货",
      waiting_other: "{{count}} 位顾客的订单已到货，还没通知",
      none: "没有待通知的顾客",
      button: "通知顾客取货",
      working: "正在通知……",
      sent_other: "已通知 {{count}} 位顾客来取货",
      sentNone: "没有需要通知的顾客（都已通知过）",
    },
  },
};

export default messages;
