// The leader, merchant and admin areas' translations: imported by those areas' layout modules, so
// the storefront's bundle never carries them. Simplified Chinese is registered here; English comes
// with the lazily loaded English core (`loadLocale("en")` in ./i18n.ts), so Chinese readers of the
// console pages don't download it.
import { registerMessages } from "./i18n";
import zhCNConsole from "./locales/zh-CN.console";

export function registerConsoleMessages(): void {
  registerMessages("zh-CN", "console", zhCNConsole);
}
