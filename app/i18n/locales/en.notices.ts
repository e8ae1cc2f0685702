/** en: the notices block of the console messages (spread into ./en.console.ts). */
const messages = {
  notices: {
    title: "Notifications",
    meLink: "Notifications",
    unread_one: "1 unread",
    unread_other: "{{count}} unread",
    unreadMark: "Unread",
    markAllRead: "Mark all as read",
    markedRead_one: "Marked 1 notification as read",
    markedRead_other: "Marked {{count}} notifications as read",
    empty: "Nothing here yet. New orders, deliveries and the like will show up here.",
    pages: "Pages",
    older: "Older notifications",
    newest: "Back to the newest",
    fallback: { title: "New notification", body: "Open it to see the details." },
    kinds: {
      share: {
        reward_points: { title: "Share reward", body: "Your friend {{friend}} bought through your link and collected the order: you earned {{points}} points." },
        reward_coupon: { title: "Share reward", body: "Your friend {{friend}} bought through your link and collected the order: you got a coupon (see My coupons)." },
        reward_fallback: { title: "Share reward", body: "Your friend {{friend}} bought through your link and collected the order. The reward coupons have run out, so you earned {{points}} points instead." },
      },
      money: {
        withdrawal_paid: { title: "Withdrawal paid", body: "Your withdrawal of {{amount}} has been paid out. Check your payout account." },
        withdrawal_rejected: { title: "Withdrawal not approved", body: "Your withdrawal of {{amount}} was not approved: {{reason}}. The amount is back in your available balance." },
        withdrawal_failed: { title: "Withdrawal payout failed", body: "The payout of your {{amount}} withdrawal failed ({{reason}}). The amount is back in your available balance; check the payout account and ask again." },
      },
      admin: {
        flash_sale_mismatch: {
          title: "Flash sale reconciliation found differences",
          body_one: "The end-of-sale check of “{{product}}” found {{count}} difference between stock and orders. See the flash sales page.",
          body_other: "The end-of-sale check of “{{product}}” found {{count}} differences between stock and orders. See the flash sales page.",
        },
        reconciliation_differences: { title: "Reconciliation found differences", body_one: "The daily reconciliation of {{date}} found {{count}} difference. See the Reconciliation page and download the details.", body_other: "The daily reconciliation of {{date}} found {{count}} differences. See the Reconciliation page and download the details." },
      },
      leader: {
        application_approved: { title: "Leader application approved", body: "Your pickup point “{{point}}” is approved. Invite code: {{code}}." },
        application_rejected: { title: "Leader application not approved", body: "Your pickup point “{{point}}” wasn't approved: {{reason}}" },
        orders_uncollected: {
          title: "Orders not collected",
          body_one: "{{count}} order arrived more than {{days}} days ago and is still waiting. Contact the customer, or mark it returned under “Not collected”.",
          body_other: "{{count}} orders arrived more than {{days}} days ago and are still waiting. Contact the customers, or mark them returned under “Not collected”.",
        },
        new_order: {
          title: "New order",
          body_one: "A new order came in: 1 item, {{amount}} paid.",
          body_other: "A new order came in: {{count}} items, {{amount}} paid.",
        },
        batch_shipped: {
          title: "Goods on the way",
          body_one: "{{merchant}} has shipped the {{date}} delivery (1 order). Check it in on Arrivals when it comes.",
          body_other: "{{merchant}} has shipped the {{date}} delivery ({{count}} orders). Check it in on Arrivals when it comes.",
        },
      },
      merchant: {
        product_approved: { title: "Product approved", body: "“{{product}}” passed review and is now on sale." },
        product_rejected: { title: "Product not approved", body: "“{{product}}” didn't pass review: {{reason}}. Edit it and send it again." },
        application_approved: { title: "Merchant application approved", body: "“{{store}}” is approved. You can now put products on sale." },
        application_rejected: { title: "Merchant application not approved", body: "The application for “{{store}}” wasn't approved: {{reason}}. Correct it and apply again." },
        group_deal_approved: { title: "Group deal approved", body: "The group deal on “{{product}}” is approved. Shoppers can start groups once it begins." },
        group_deal_rejected: { title: "Group deal not approved", body: "The group deal on “{{product}}” wasn't approved: {{reason}}. Adjust it and create it again." },
        flash_sale_approved: { title: "Flash sale approved", body: "The flash sale on “{{product}}” is approved and {{stock}} units are set aside from stock. Shoppers can buy once it starts." },
        flash_sale_rejected: { title: "Flash sale not approved", body: "The flash sale on “{{product}}” wasn't approved: {{reason}}. Adjust it and create it again." },
        batch_arrived: {
          title: "Delivery checked in",
          body_zero: "{{point}} has checked in the {{date}} delivery: nothing short.",
          body_one: "{{point}} has checked in the {{date}} delivery: 1 item short, and the orders concerned have been refunded.",
          body_other: "{{point}} has checked in the {{date}} delivery: {{count}} items short, and the orders concerned have been refunded.",
        },
      },
      coupon: {
        issued: { title: "You've got a coupon", body: "“{{name}}” is in your coupons, ready for your next order." },
        birthday: { title: "Happy birthday!", body: "Here's a {{amount}} birthday coupon, valid for 30 days. Have a lovely day!" },
        expiring: { title: "A coupon ends soon", body_one: "“{{name}}” ends in {{count}} day. Don't forget to use it.", body_other: "“{{name}}” ends in {{count}} days. Don't forget to use it." },
      },
      order: {
        picked_up: {
          title: "Collected",
          body_one: "1 item of order {{orderId}} was handed over at the pickup point. Something wrong? Ask for after-sales on the order page.",
          body_other: "{{count}} items of order {{orderId}} were handed over at the pickup point. Something wrong? Ask for after-sales on the order page.",
        },
        uncollected: {
          title: "Your order is waiting",
          body: "Your order {{orderId}} has been waiting at the pickup point for more than {{days}} days. Please collect it soon; if it stays much longer the leader may send it back.",
        },
        uncollected_returned: {
          title: "Not collected: sent back",
          body: "Your order {{orderId}} wasn't collected, so the leader has sent it back; {{amount}} is being refunded to your original payment method.",
        },
        uncollected_forfeited: {
          title: "Not collected: order closed",
          body: "Your order {{orderId}} wasn't collected, so the leader has sent it back. Under the platform's rule no refund is due, and the order is closed.",
        },
        group_succeeded: {
          title: "Your group deal is on",
          body: "Your group reached {{size}} people, so you pay {{price}} per item; the difference of {{refund}} is on its way back to your original payment method. The order ships with the next cut-off.",
        },
        group_failed: {
          title: "Your group deal didn't fill",
          body: "Your group didn't fill in time, so your {{refund}} is being refunded in full to your original payment method.",
        },
        review_replied: { title: "The shop replied to your review", body: "The shop answered your review of {{product}}." },
        flash_sale_started: {
          title: "A flash sale you're watching has opened",
          body: "{{product}} is on at {{price}} while stocks last: first come, first served.",
        },
        ready_for_pickup: {
          title: "Ready for pickup",
          body: "Your order has arrived at {{point}}. Collect it between {{open}} and {{close}} with your pickup code.",
        },
      },
    },
    push: {
      title: "Push notifications",
      checking: "Checking this device…",
      unavailable: "Push notifications aren't set up on this site yet; new notifications still appear here.",
      unsupported:
        "This browser can't receive push notifications (on an iPhone, add this site to your Home Screen first and open it from there). New notifications still appear here.",
      denied: "You've blocked notifications from this site. To allow them: tap the icon left of the address → Site settings → Notifications → Allow, then reload this page.",
      off: "Turn this on to get new orders, deliveries and the like on this device, even with the site closed.",
      on: "On: notifications are pushed to this device.",
      turnOn: "Turn on",
      turnOff: "Turn off",
      working: "One moment…",
      failed: "Couldn't turn on push notifications (the push service can't be reached). Notifications here still work; try again later.",
      retry: "Try again",
    },
    notifyCustomers: {
      title: "Tell customers to collect",
      waiting_one: "1 customer's order has arrived and they haven't been told yet",
      waiting_other: "{{count}} customers' orders have arrived and they haven't been told yet",
      none: "No customers waiting to be told",
      button: "Tell customers to collect",
      working: "Telling customers…",
      sent_one: "Told 1 customer to come and collect",
      sent_other: "Told {{count}} customers to come and collect",
      sentNone: "No one needed telling (everyone has been told already)",
    },
  },
};

export default messages;
