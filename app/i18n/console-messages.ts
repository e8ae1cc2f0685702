// The leader, merchant and admin areas' translations (and the shopper pages that show their text):
// no JavaScript bundle carries them. A route importing this module also declares
// `handle = messagesHandle("console")`, so its document inlines the part for the page's language;
// on a client-side navigation this module's chunk waits for the part (`./console-messages.client`)
// before the route renders. The server registers every part at start-up (./all-locales.server).
import { consoleMessagesReady } from "./console-messages.client";

/**
 * Called at the top of the modules that show console text, which keeps this module (and its
 * top-level wait) in their chunk. In the browser: the part's arrival (already settled once the
 * module has run); on the server, where every part is registered at start-up: undefined.
 */
export function registerConsoleMessages(): Promise<void> | undefined {
  return consoleMessagesReady;
}
