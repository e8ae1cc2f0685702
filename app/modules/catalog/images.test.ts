import { describe, expect, it } from "vitest";
import { imageDimensions, imageSrcSet, parseVariants, sniffImageType, variantWidthsFor } from "./images";

function png(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  return b;
}

function jpeg(width: number, height: number): Uint8Array {
  // SOI, an APP0 segment of 16 bytes, then SOF0 with height and width.
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...new Array(14).fill(0)];
  const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 3, ...new Array(9).fill(0)];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof]);
}

function webp(kind: "VP8 " | "VP8L" | "VP8X", width: number, height: number): Uint8Array {
  const b = new Uint8Array(40);
  b.set([...new TextEncoder().encode("RIFF"), 0, 0, 0, 0, ...new TextEncoder().encode("WEBP"), ...new TextEncoder().encode(kind)]);
  if (kind === "VP8 ") {
    b.set([0x9d, 0x01, 0x2a, width & 255, width >> 8, height & 255, height >> 8], 23);
  } else if (kind === "VP8L") {
    const bits = (width - 1) | ((height - 1) << 14);
    b.set([0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, (bits >>> 24) & 255], 20);
  } else {
    b.set([(width - 1) & 255, ((width - 1) >> 8) & 255, 0, (height - 1) & 255, ((height - 1) >> 8) & 255, 0], 24);
  }
  return b;
}

describe("image sniffing and dimensions", () => {
  it("recognises PNG, JPEG and WebP by their bytes and reads their size", () => {
    expect(sniffImageType(png(800, 600))).toBe("image/png");
    expect(imageDimensions(png(800, 600), "image/png")).toEqual({ width: 800, height: 600 });
    expect(sniffImageType(jpeg(1024, 768))).toBe("image/jpeg");
    expect(imageDimensions(jpeg(1024, 768), "image/jpeg")).toEqual({ width: 1024, height: 768 });
    for (const kind of ["VP8 ", "VP8L", "VP8X"] as const) {
      expect(sniffImageType(webp(kind, 640, 480))).toBe("image/webp");
      expect(imageDimensions(webp(kind, 640, 480), "image/webp"), kind).toEqual({ width: 640, height: 480 });
    }
  });

  it("refuses other content and unreadable or absurd headers", () => {
    expect(sniffImageType(new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBeNull();
    expect(sniffImageType(new TextEncoder().encode("GIF89a......"))).toBeNull();
    expect(sniffImageType(new Uint8Array())).toBeNull();
    expect(imageDimensions(png(800, 600).slice(0, 20), "image/png")).toBeNull();
    expect(imageDimensions(png(0, 600), "image/png")).toBeNull();
    expect(imageDimensions(png(50_000, 600), "image/png")).toBeNull();
    expect(imageDimensions(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 2]), "image/jpeg")).toBeNull();
  });
});

describe("variants", () => {
  it("parses the stored widths and builds a srcset", () => {
    expect(parseVariants("[160,320,640]")).toEqual([160, 320, 640]);
    expect(parseVariants("[999]")).toEqual([]);
    expect(parseVariants("oops")).toEqual([]);
    expect(parseVariants(null)).toEqual([]);
    expect(imageSrcSet("/images/products/p/a.jpg", [160, 320])).toBe("/images/products/p/a.jpg@160w 160w, /images/products/p/a.jpg@320w 320w");
    expect(imageSrcSet("/images/products/p/a.jpg", [160], 1200)).toBe("/images/products/p/a.jpg@160w 160w, /images/products/p/a.jpg 1200w");
    expect(imageSrcSet("/images/products/p/a.svg", [])).toBeUndefined();
  });

  it("never upscales", () => {
    expect(variantWidthsFor(2000)).toEqual([160, 320, 640]);
    expect(variantWidthsFor(500)).toEqual([160, 320]);
    expect(variantWidthsFor(160)).toEqual([]);
  });
});
