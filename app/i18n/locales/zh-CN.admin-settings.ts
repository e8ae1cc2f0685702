/** zh-CN: the adminSettings block of the console messages (spread into ./zh-CN.console.ts). */
const messages = {
  adminSettings: {},
};

export default messages;
