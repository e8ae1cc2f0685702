/**
 * Product images (pure helpers, shared by the server and the browser): the type from the bytes,
 * the dimensions from the header, variant keys and `srcset`s.
 *
 * A raster upload is stored at `<r2_key>`; with JavaScript the browser also uploads copies resized
 * to VARIANT_WIDTHS (narrower than the original only), stored at `<r2_key>@<w>w`, and
 * product_images.variants lists the widths present (JSON). SVG (the demo images) has no variants.
 */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_VARIANT_BYTES = 1024 * 1024;
export const VARIANT_WIDTHS = [160, 320, 640] as const;
export type VariantWidth = (typeof VARIANT_WIDTHS)[number];
/** Largest side we accept (a decoder bomb guard; phone photos are ~4000–8000 px). */
export const MAX_IMAGE_SIDE = 12_000;

export type ImageType = "image/jpeg" | "image/png" | "image/webp";
export const IMAGE_EXT: Record<ImageType, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" };

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** JPEG, PNG or WebP recognised by their first bytes (the declared type is never trusted). */
export function sniffImageType(b: Uint8Array): ImageType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 4) === "PNG" && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return "image/png";
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return "image/webp";
  return null;
}

const u16be = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32be = (b: Uint8Array, o: number) => ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
const u16le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u24le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);

/** Width and height from the image header; null when the header is not readable. */
export function imageDimensions(b: Uint8Array, type: ImageType): { width: number; height: number } | null {
  const dims = readDimensions(b, type);
  if (!dims || dims.width < 1 || dims.height < 1 || dims.width > MAX_IMAGE_SIDE || dims.height > MAX_IMAGE_SIDE) return null;
  return dims;
}

function readDimensions(b: Uint8Array, type: ImageType): { width: number; height: number } | null {
  if (type === "image/png") {
    if (b.length < 24 || ascii(b, 12, 16) !== "IHDR") return null;
    return { width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (type === "image/webp") {
    if (b.length < 30) return null;
    const chunk = ascii(b, 12, 16);
    if (chunk === "VP8 ") {
      // Key frame start code 9d 01 2a, then 14-bit width and height.
      if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
      return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
    }
    if (chunk === "VP8L") {
      if (b[20] !== 0x2f) return null;
      const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (chunk === "VP8X") return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
    return null;
  }
  // JPEG: walk the markers to the first start-of-frame (SOF0–SOF15 but DHT C4, JPG C8, DAC CC).
  let o = 2;
  while (o + 9 < b.length) {
    if (b[o] !== 0xff) return null;
    const marker = b[o + 1]!;
    if (marker === 0xff) {
      o++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      o += 2;
      continue;
    }
    const length = u16be(b, o + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: u16be(b, o + 5), width: u16be(b, o + 7) };
    }
    if (length < 2) return null;
    o += 2 + length;
  }
  return null;
}

export function variantKey(r2Key: string, width: number): string {
  return `${r2Key}@${width}w`;
}

/** The widths a stored image has beside its original (product_images.variants JSON). */
export function parseVariants(json: string | null | undefined): VariantWidth[] {
  if (!json) return [];
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) ? VARIANT_WIDTHS.filter((w) => list.includes(w)) : [];
  } catch {
    return [];
  }
}

/**
 * `srcset` for an image URL with its variants (and the original, when its width is known);
 * undefined when there are no variants (SVG, uploads without JavaScript).
 */
export function imageSrcSet(url: string | null, widths: readonly number[], originalWidth?: number | null): string | undefined {
  if (!url || widths.length === 0) return undefined;
  const list = widths.map((w) => `${variantKey(url, w)} ${w}w`);
  if (originalWidth && originalWidth > Math.max(...widths)) list.push(`${url} ${originalWidth}w`);
  return list.join(", ");
}

/** The widths worth making for an original `width` px wide (never upscaled). */
export function variantWidthsFor(width: number): VariantWidth[] {
  return VARIANT_WIDTHS.filter((w) => w < width);
}
