/** en: the adminUsers block of the console messages (spread into ./en.console.ts). */
const messages = {
  adminUsers: {},
};

export default messages;
