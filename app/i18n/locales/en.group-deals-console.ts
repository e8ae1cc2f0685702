/** en: group-deal campaigns in the merchant and admin consoles (spread into ./en.console.ts). */
const messages = {
  groupDealsConsole: {},
};

export default messages;
