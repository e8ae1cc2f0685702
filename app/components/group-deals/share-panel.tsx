import Copy from "lucide-react/icons/copy";
import Share2 from "lucide-react/icons/share-2";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * The group's share link: shown as text (long-press copies it without JavaScript), a server-made
 * QR beside it, and once the page runs a copy button and the phone's share sheet (Web Share API)
 * where there is one.
 */
export function GroupSharePanel({ url, qrSvg, title, text }: { url: string; qrSvg: string; title: string; text: string }) {
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
    <section className="card space-y-3" aria-labelledby="group-share-title">
      <h2 id="group-share-title" className="font-semibold">
        {t("groupDeals.share.title")}
      </h2>
      <p className="text-sm text-muted">{t("groupDeals.share.hint")}</p>
      <div role="img" aria-label={t("groupDeals.share.qr")} className="mx-auto w-fit" data-testid="group-qr" dangerouslySetInnerHTML={{ __html: qrSvg }} />
      <div>
        <label htmlFor="group-share-url" className="field-label">
          {t("groupDeals.share.link")}
        </label>
        <input ref={input} id="group-share-url" readOnly value={url} data-testid="group-share-link" onFocus={(e) => e.currentTarget.select()} className="field-input font-mono text-sm" />
      </div>
      {ready ? (
        <div className="flex gap-2">
          {canShare ? (
            <button type="button" onClick={share} className="btn-primary min-h-12 flex-1">
              <Share2 aria-hidden className="size-5" />
              {t("groupDeals.share.share")}
            </button>
          ) : null}
          <button type="button" onClick={copy} className={`${canShare ? "btn-secondary" : "btn-primary"} min-h-12 flex-1`}>
            <Copy aria-hidden className="size-5" />
            {t("groupDeals.share.copy")}
          </button>
        </div>
      ) : null}
      <p role="status" className="min-h-5 text-sm text-brand-800">
        {status === "copied" ? t("groupDeals.share.copied") : status === "failed" ? t("groupDeals.share.copyFailed") : ""}
      </p>
    </section>
  );
}
