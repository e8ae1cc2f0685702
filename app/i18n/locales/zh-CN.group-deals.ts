/** zh-CN: group deals on the storefront (spread into ./zh-CN.ts). */
const messages = {
  groupDeals: {},
};

export default messages;
