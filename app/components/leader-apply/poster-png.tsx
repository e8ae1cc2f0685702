import ImageDown from "lucide-react/icons/image-down";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * "Save as picture" (leaders' posters and every product's share poster): chat apps want a PNG, so once the page runs this fetches the SVG poster, draws
 * it on a canvas at twice its size and downloads the PNG. Without JavaScript the SVG link remains.
 */
export function PosterPngButton({ href, fileName, label, savingLabel, failedLabel }: { href: string; fileName: string; label: string; savingLabel?: string; failedLabel?: string }) {
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
      img.decoding = "async";
      await new Promise<void>((resolve, reject) => {
        img.onload = () => resolve();
        img.onerror = () => reject(new Error("poster image"));
        img.src = objectUrl!;
      });
      const scale = 2;
      const canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth * scale;
      canvas.height = img.naturalHeight * scale;
      const g = canvas.getContext("2d");
      if (!g) throw new Error("no canvas");
      g.fillStyle = "#ffffff";
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      const png = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("toBlob"))), "image/png"));
      const pngUrl = URL.createObjectURL(png);
      const a = document.createElement("a");
      a.href = pngUrl;
      a.download = fileName;
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
        {state === "saving" ? (savingLabel ?? t("leaderApply.promote.posterSaving")) : label}
      </button>
      {state === "failed" ? (
        <p role="alert" className="text-sm text-danger">
          {failedLabel ?? t("leaderApply.promote.posterFailed")}
        </p>
      ) : null}
    </div>
  );
}
