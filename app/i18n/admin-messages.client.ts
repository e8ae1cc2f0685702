// Browser only (the server gets an empty module): the console and admin parts, inlined by the
// document or fetched, before any module importing this one evaluates (top-level await).
import { ensureMessages } from "./i18n";

export const adminMessagesReady: Promise<void> = ensureMessages(["console", "admin"]);
await adminMessagesReady;
