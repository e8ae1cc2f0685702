// The admin console's own translations (users and permissions, settings, analytics, audit log):
// imported by the admin layout only, so the leader and merchant apps, which share the console part,
// never carry them. English is its own chunk, fetched for English readers of the admin only.
import { registerConsoleMessages } from "./console-messages";
import { registerMessages } from "./i18n";
import zhCNAdmin from "./locales/zh-CN.admin";

export function registerAdminMessages(): void {
  registerConsoleMessages();
  registerMessages("zh-CN", "admin", zhCNAdmin);
}
