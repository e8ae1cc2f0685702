/** zh-CN: the handover block of the console messages (spread into ./zh-CN.console.ts). */
const messages = {
  handover: {},
};

export default messages;
