import Copy from "lucide-react/icons/copy";
import Share2 from "lucide-react/icons/share-2";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * The share page's buttons that need a script: copy the link, the phone's own share sheet, and
 * "save as picture" (~/components/leader-apply/poster-png, shared with the leaders' posters). Each shows
 * only once the page runs and the browser can do it; without JavaScript the link text (selectable)
 * and the SVG download link remain.
 */
export function CopyLinkButton({ url }: { url: string }) {
  const { t } = useTranslation();
  const [ready, setReady] = useState(false);
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => setReady(typeof navigator !== "undefined" && !!navigator.clipboard), []);
  if (!ready) return null;
  return (
    <div className="space-y-1">
      <button
        type="button"
        className="btn-secondary min-h-12 w-full"
        onClick={() =>
          navigator.clipboard.writeText(url).then(
            () => setState("copied"),
            () => setState("failed"),
          )
        }
      >
        <Copy aria-hidden className="size-5" />
        {state === "copied" ? t("share.page.copied") : t("share.page.copy")}
      </button>
      <p role="status" className={state === "failed" ? "text-sm text-danger" : "sr-only"}>
        {state === "failed" ? t("share.page.copyFailed") : state === "copied" ? t("share.page.copied") : ""}
      </p>
    </div>
  );
}

export function SystemShareButton({ url, title }: { url: string; title: string }) {
  const { t } = useTranslation();
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(typeof navigator !== "undefined" && typeof navigator.share === "function"), []);
  if (!ready) return null;
  return (
    <button type="button" className="btn-primary min-h-12 w-full" onClick={() => navigator.share({ title, url }).catch(() => undefined)}>
      <Share2 aria-hidden className="size-5" />
      {t("share.page.systemShare")}
    </button>
  );
}
