/** zh-CN: the adminAnalytics block of the console messages (spread into ./zh-CN.console.ts). */
const messages = {
  adminAnalytics: {},
};

export default messages;
