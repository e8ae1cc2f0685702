// The server answers in every language from the first request, so it registers all of them at
// start-up (the browser fetches a non-default locale only when its user needs it). Called
// explicitly: package.json declares the app free of import side effects.
import { registerLocale } from "./i18n";
import en from "./locales/en";

export function registerAllLocales(): void {
  registerLocale("en", en);
}
