import { Form, useNavigation, useSubmit } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { MAX_VARIANT_BYTES, variantWidthsFor } from "~/modules/catalog/images";

/** One resized copy as WebP (JPEG where the browser cannot encode WebP); null if it cannot. */
async function resize(bitmap: ImageBitmap, width: number): Promise<Blob | null> {
  const height = Math.max(1, Math.round((bitmap.height * width) / bitmap.width));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext("2d");
  if (!g) return null;
  g.imageSmoothingQuality = "high";
  g.drawImage(bitmap, 0, 0, width, height);
  for (const type of ["image/webp", "image/jpeg"]) {
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, 0.85));
    if (blob && blob.type === type && blob.size <= MAX_VARIANT_BYTES) return blob;
  }
  return null;
}

/**
 * Image upload. Without JavaScript it is a plain multipart form (the original only). With it,
 * the browser also makes 160/320/640 px wide copies (never wider than the original) and sends
 * them as `variant_<w>` beside the original; the server checks each one.
 */
export function ImageUploadForm({ disabled }: { disabled: boolean }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [preparing, setPreparing] = useState(false);
  const busy = preparing || navigation.state === "submitting";

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    const data = new FormData(form);
    const file = data.get("image");
    if (!(file instanceof File) || file.size === 0 || typeof createImageBitmap !== "function") return; // the plain post
    event.preventDefault();
    setPreparing(true);
    try {
      const bitmap = await createImageBitmap(file);
      for (const width of variantWidthsFor(bitmap.width)) {
        const blob = await resize(bitmap, width);
        if (blob) data.set(`variant_${width}`, new File([blob], `${width}.${blob.type === "image/webp" ? "webp" : "jpg"}`, { type: blob.type }));
      }
      bitmap.close();
    } catch {
      // Not decodable here (or not an image): send the original alone; the server decides.
    } finally {
      setPreparing(false);
    }
    submit(data, { method: "post", encType: "multipart/form-data" });
    form.reset();
  }

  return (
    <Form method="post" encType="multipart/form-data" onSubmit={onSubmit} className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="intent" value="upload-image" />
      <div>
        <label htmlFor="product-image" className="field-label">
          {t("merchantCatalog.images.file")}
        </label>
        <input id="product-image" name="image" type="file" accept="image/jpeg,image/png,image/webp" required disabled={disabled} className="field-input py-2" />
      </div>
      <button type="submit" className="btn-secondary" disabled={disabled || busy}>
        {preparing ? t("merchantCatalog.images.uploading") : t("merchantCatalog.images.upload")}
      </button>
    </Form>
  );
}
