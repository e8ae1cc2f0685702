import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider } from "react-i18next";
import { DEFAULT_LOCALE, getI18n, isLocale, loadLocale } from "./i18n/i18n";

const lang = document.documentElement.lang;
const locale = isLocale(lang) ? lang : DEFAULT_LOCALE;

// The default language is in this bundle; another one is fetched first (the page is already
// usable without JavaScript, so hydration can wait for it). If the fetch fails the page stays a
// working server-rendered page rather than hydrating with the wrong language.
loadLocale(locale).then(
  () => {
    const i18n = getI18n(locale);
    startTransition(() => {
      hydrateRoot(
        document,
        <StrictMode>
          <I18nextProvider i18n={i18n}>
            <RemixBrowser />
          </I18nextProvider>
        </StrictMode>
      );
    });
  },
  () => {
    /* no hydration: forms and links keep working as plain HTML */
  }
);

if ("serviceWorker" in navigator && location.protocol !== "file:") {
  const registerServiceWorker = () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      /* offline support is a progressive enhancement */
    });
  };
  // This module is loaded by a dynamic import, usually after "load" has fired already.
  if (document.readyState === "complete") registerServiceWorker();
  else window.addEventListener("load", registerServiceWorker, { once: true });
}
