/** en: the adminAudit block of the console messages (spread into ./en.console.ts). */
const messages = {
  adminAudit: {},
};

export default messages;
