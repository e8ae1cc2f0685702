/** en: the leaderMoney block of the console messages (spread into ./en.console.ts). */
const messages = {
  leaderMoney: {},
};

export default messages;
