/** zh-CN: the notices block of the console messages (spread into ./zh-CN.console.ts). */
const messages = {
  notices: {},
};

export default messages;
