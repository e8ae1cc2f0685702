// Browser only (the server gets an empty module): the console part, inlined by the document or
// fetched, before any module importing this one evaluates (top-level await).
import { ensureMessages } from "./i18n";

export const consoleMessagesReady: Promise<void> = ensureMessages(["console"]);
await consoleMessagesReady;
