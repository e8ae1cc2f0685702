/** zh-CN: the leaderApply block of the console messages (spread into ./zh-CN.console.ts). */
const messages = {
  leaderApply: {},
};

export default messages;
