/** zh-CN: the adminUsers block of the console messages (spread into ./zh-CN.console.ts). */
const messages = {
  adminUsers: {},
};

export default messages;
