/** zh-CN: the adminAudit block of the console messages (spread into ./zh-CN.console.ts). */
const messages = {
  adminAudit: {},
};

export default messages;
