// The leader, merchant and admin areas' translations: imported by those areas' layout modules, so
// the storefront's bundle never carries them. Simplified Chinese is registered here; English is its
// own chunk, fetched for English readers of these pages only (`loadLocale` / `withMessagesInUse` in
// ./i18n.ts, the clientLoader of each route that calls this).
import { registerMessages } from "./i18n";
import zhCNConsole from "./locales/zh-CN.console";

export function registerConsoleMessages(): void {
  registerMessages("zh-CN", "console", zhCNConsole);
}
