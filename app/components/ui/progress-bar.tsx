import { useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** A thin bar at the top while a navigation or form submission is in flight. */
export function ProgressBar() {
  const navigation = useNavigation();
  const { t } = useTranslation();
  const busy = navigation.state !== "idle";
  return (
    <div
      role="progressbar"
      aria-label={t("app.loading")}
      aria-hidden={!busy}
      className={`fixed inset-x-0 top-0 z-50 h-1 origin-left bg-brand-600 transition-transform duration-500 ${busy ? "scale-x-75" : "scale-x-0"}`}
    />
  );
}
