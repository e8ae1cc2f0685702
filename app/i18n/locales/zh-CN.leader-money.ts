/** zh-CN: the leaderMoney block of the console messages (spread into ./zh-CN.console.ts). */
const messages = {
  leaderMoney: {},
};

export default messages;
