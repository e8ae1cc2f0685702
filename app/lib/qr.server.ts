// qrcode's core and SVG renderer, imported directly: the package's main entry pulls in Node's
// fs/zlib, which the Worker bundle cannot use (STACK-NOTES). Rendering happens on the server,
// so the QR shows before any JavaScript loads and works offline from the cached page.
// @ts-expect-error -- no type declarations for these internal CommonJS modules
import QRCodeCore from "qrcode/lib/core/qrcode.js";
// @ts-expect-error -- see above
import SvgTag from "qrcode/lib/renderer/svg-tag.js";

interface QrCore {
  create(text: string, opts: { errorCorrectionLevel: "L" | "M" | "Q" | "H" }): unknown;
}
interface SvgRenderer {
  render(qr: unknown, opts: { margin: number; width: number; color?: { dark: string; light: string } }): string;
}

/** An SVG QR code for `text` (error correction M), `size` px wide. */
export function qrSvg(text: string, size = 240): string {
  const qr = (QRCodeCore as QrCore).create(text, { errorCorrectionLevel: "M" });
  return (SvgTag as SvgRenderer).render(qr, { margin: 1, width: size, color: { dark: "#111827", light: "#ffffff" } });
}
