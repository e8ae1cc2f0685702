/** en: the adminAnalytics block of the console messages (spread into ./en.console.ts). */
const messages = {
  adminAnalytics: {},
};

export default messages;
