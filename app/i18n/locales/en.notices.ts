/** en: the notices block of the console messages (spread into ./en.console.ts). */
const messages = {
  notices: {},
};

export default messages;
