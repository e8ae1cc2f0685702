// The server answers in every language from the first request, so it registers every part of every
// language at start-up (the browser loads parts as it needs them; see ./i18n.ts). Called
// explicitly: package.json declares the app free of import side effects.
import { registerAdminMessages } from "./admin-messages";
import { registerMessages } from "./i18n";
import en from "./locales/en";
import enApi from "./locales/en.api";
import enAdmin from "./locales/en.admin";
import enConsole from "./locales/en.console";
import zhCNApi from "./locales/zh-CN.api";

export function registerAllLocales(): void {
  registerMessages("en", "core", en);
  registerAdminMessages();
  registerMessages("en", "console", enConsole);
  registerMessages("en", "admin", enAdmin);
  registerMessages("zh-CN", "api", zhCNApi);
  registerMessages("en", "api", enApi);
}
