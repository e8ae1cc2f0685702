/** en: the adminSettings block of the console messages (spread into ./en.console.ts). */
const messages = {
  adminSettings: {},
};

export default messages;
