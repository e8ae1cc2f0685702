/** en: group deals on the storefront (spread into ./en.ts). */
const messages = {
  groupDeals: {},
};

export default messages;
