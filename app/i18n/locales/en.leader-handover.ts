/** en: the handover block of the console messages (spread into ./en.console.ts). */
const messages = {
  handover: {},
};

export default messages;
