/** zh-CN: group-deal campaigns in the merchant and admin consoles (spread into ./zh-CN.console.ts). */
const messages = {
  groupDealsConsole: {},
};

export default messages;
