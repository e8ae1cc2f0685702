// The leader, merchant and admin areas' translations, both languages (a few kB): imported by those
// areas' layout modules, so the storefront's bundle never carries them.
import { registerMessages } from "./i18n";
import enConsole from "./locales/en.console";
import zhCNConsole from "./locales/zh-CN.console";

export function registerConsoleMessages(): void {
  registerMessages("zh-CN", "console", zhCNConsole);
  registerMessages("en", "console", enConsole);
}
