import { Form, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useRootData } from "~/root";

/** One button that switches between 中文 and English; a plain form, so it works before JS loads. */
export function LanguageSwitch({ className = "" }: { className?: string }) {
  const { t } = useTranslation();
  const root = useRootData();
  const location = useLocation();
  const next = root?.locale === "en" ? "zh-CN" : "en";
  return (
    <Form method="post" action="/preferences" className={className}>
      <input type="hidden" name="locale" value={next} />
      <input type="hidden" name="returnTo" value={location.pathname + location.search} />
      <button type="submit" className="btn-secondary min-h-11 px-3 text-sm" title={t("prefs.switchLanguage")}>
        <span lang={next}>{next === "en" ? "English" : "中文"}</span>
      </button>
    </Form>
  );
}

export function TextSizeSwitch() {
  const { t } = useTranslation();
  const root = useRootData();
  const location = useLocation();
  const large = root?.textSize === "large";
  return (
    <Form method="post" action="/preferences">
      <input type="hidden" name="textSize" value={large ? "normal" : "large"} />
      <input type="hidden" name="returnTo" value={location.pathname + location.search} />
      <button type="submit" className="btn-secondary w-full justify-between" aria-pressed={large}>
        <span>{t("prefs.largeText")}</span>
        <span className="text-sm text-muted">{large ? t("prefs.on") : t("prefs.off")}</span>
      </button>
    </Form>
  );
}
