// The admin console's own translations (users and permissions, settings, analytics, audit log):
// brought by the admin layout only (with `handle = messagesHandle("console", "admin")`), so the
// leader and merchant apps never download them. See ./console-messages.
import { adminMessagesReady } from "./admin-messages.client";
import { registerConsoleMessages } from "./console-messages";

/** As registerConsoleMessages, for the admin layout: the console and admin parts. */
export function registerAdminMessages(): Promise<void> | undefined {
  registerConsoleMessages();
  return adminMessagesReady;
}
