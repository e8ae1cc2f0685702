import { Copy, ImageDown, Share2 } from "lucide-react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * The share page's buttons that need a script: copy the link, the phone's own share sheet, and
 * "save as picture" (the SVG poster drawn on a canvas as a PNG, which chat apps accept). Each shows
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

export function PosterPngButton({ href, fileName }: { href: string; fileName: string }) {
  const { t } = useTranslation();
  const [ready, setReady] = useState(false);
  const [state, setState] = useState<"idle" | "saving" | "failed">("idle");
  useEffect(() => setReady(typeof document.createElement("canvas").toBlob === "function"), []);
  if (!ready) return null;

  async function save() {
    setState("saving");
    let objectUrl: string | null = null;
    try {
      const res = await fetch(href, { credentials: "same-origin" });
      if (!res.ok) throw new Error(`poster ${res.status}`);
      objectUrl = URL.createObjectURL(new Blob([await res.text()], { type: "image/svg+xml" }));
      const img = new Image();
      await new Promise<void>((resolve, reject) => {
        img.onload = () => resolve();
        img.onerror = () => reject(new Error("poster image"));
        img.src = objectUrl!;
      });
      const canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth * 2;
      canvas.height = img.naturalHeight * 2;
      const g = canvas.getContext("2d");
      if (!g) throw new Error("no canvas");
      g.fillStyle = "#ffffff";
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      const png = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("toBlob"))), "image/png"));
      const pngUrl = URL.createObjectURL(png);
      const a = document.createElement("a");
      a.href = pngUrl;
      a.download = fileName.replace(/\.svg$/, ".png");
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(pngUrl), 10_000);
      setState("idle");
    } catch {
      setState("failed");
    } finally {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    }
  }

  return (
    <div className="space-y-1">
      <button type="button" onClick={save} disabled={state === "saving"} className="btn-secondary min-h-12 w-full">
        <ImageDown aria-hidden className="size-5" />
        {state === "saving" ? t("share.page.saving") : t("share.page.downloadPng")}
      </button>
      {state === "failed" ? (
        <p role="alert" className="text-sm text-danger">
          {t("share.page.saveFailed")}
        </p>
      ) : null}
    </div>
  );
}
