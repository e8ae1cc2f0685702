import Copy from "lucide-react/icons/copy";
import Share2 from "lucide-react/icons/share-2";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * A link to share: always shown as text (long-press to copy works without JavaScript), plus, once
 * the page runs, the phone's share sheet (navigator.share) where there is one and a copy button.
 */
export function ShareLink({ url, title, text, testId }: { url: string; title: string; text: string; testId?: string }) {
  const { t } = useTranslation();
  const [ready, setReady] = useState(false);
  const [canShare, setCanShare] = useState(false);
  const [status, setStatus] = useState<"" | "copied" | "failed">("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    setReady(true);
    setCanShare(typeof navigator.share === "function");
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setStatus("copied");
    } catch {
      // No clipboard permission (an http page, an old WebView): select the text for a manual copy.
      input.current?.select();
      setStatus("failed");
    }
  }

  async function share() {
    try {
      await navigator.share({ title, text, url });
    } catch (error) {
      if ((error as DOMException)?.name !== "AbortError") await copy();
    }
  }

  return (
    <div className="space-y-2">
      <label className="sr-only" htmlFor={`${testId ?? "share"}-url`}>
        {t("leaderApply.promote.linkLabel")}
      </label>
      <input
        ref={input}
        id={`${testId ?? "share"}-url`}
        readOnly
        value={url}
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
        className="field-input min-h-12 font-mono text-sm"
      />
      <noscript>
        <a href={url} className="link break-all text-sm">
          {url}
        </a>
      </noscript>
      {ready ? (
        <div className="flex gap-2">
          {canShare ? (
            <button type="button" onClick={share} className="btn-primary min-h-12 flex-1">
              <Share2 aria-hidden className="size-5" />
              {t("leaderApply.promote.share")}
            </button>
          ) : null}
          <button type="button" onClick={copy} className={`${canShare ? "btn-secondary" : "btn-primary"} min-h-12 flex-1`}>
            <Copy aria-hidden className="size-5" />
            {t("leaderApply.promote.copy")}
          </button>
        </div>
      ) : null}
      <p role="status" className="min-h-5 text-sm text-brand-800">
        {status === "copied" ? t("leaderApply.promote.copied") : status === "failed" ? t("leaderApply.promote.copyFailed") : ""}
      </p>
    </div>
  );
}
