/** en: the leaderApply block of the console messages (spread into ./en.console.ts). */
const messages = {
  leaderApply: {},
};

export default messages;
