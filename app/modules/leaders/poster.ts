/**
 * Promotion posters (SPEC §3 Promote) as standalone SVG: a product poster (image, title, price, the
 * pickup point, a QR of the attributed share link) and an invite poster (the point and a QR of the
 * invite link). Pure string building: the route supplies the texts (translated), the QR (server
 * rendered) and the image (a data: URI, so the downloaded file needs nothing else). 750 px wide,
 * the width chat apps show a shared picture at.
 */

export const POSTER_WIDTH = 750;
export const POSTER_HEIGHT = 1200;

const FONT = `'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', system-ui, sans-serif`;
const BRAND = "#16803c";
const PRICE = "#d4380d";
const INK = "#1f2937";
const MUTED = "#4b5563";

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** Width of a character in ems, roughly: CJK and full-width forms 1, the rest about half. */
function charWidth(ch: string): number {
  const code = ch.codePointAt(0)!;
  return code >= 0x2e80 ? 1 : 0.56;
}

const widthOf = (s: string) => Array.from(s).reduce((w, ch) => w + charWidth(ch), 0);

/**
 * Breaks text into at most `maxLines` lines of `maxEms` each: between CJK characters anywhere, Latin
 * text between words (a word longer than a line is cut). The last line ends in … when text is left.
 */
export function wrapText(text: string, maxEms: number, maxLines: number): string[] {
  const tokens = text.replace(/\s+/g, " ").trim().match(/[\u2e80-\uffff]|[^\s\u2e80-\uffff]+| /gu) ?? [];
  // Words too long for a line become characters.
  const pieces = tokens.flatMap((tok) => (widthOf(tok) > maxEms ? Array.from(tok) : [tok]));
  const lines: string[] = [];
  let line = "";
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece === " " && !line) continue;
    if (line && widthOf(line + piece) > maxEms) {
      if (lines.length === maxLines - 1) {
        let cut = line.trimEnd();
        while (cut && widthOf(`${cut}…`) > maxEms) cut = Array.from(cut).slice(0, -1).join("");
        lines.push(`${cut.trimEnd()}…`);
        return lines;
      }
      lines.push(line.trimEnd());
      line = piece === " " ? "" : piece;
      continue;
    }
    line += piece;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

/** Places an SVG document (the QR) at x, y inside the poster. */
function place(svg: string, x: number, y: number): string {
  return svg.replace(/^<svg /, `<svg x="${x}" y="${y}" `);
}

function text(x: number, y: number, content: string, attrs: string): string {
  return `<text x="${x}" y="${y}" ${attrs}>${escapeXml(content)}</text>`;
}

function header(brand: string, pointName: string): string {
  return [
    `<rect width="${POSTER_WIDTH}" height="120" fill="${BRAND}"/>`,
    text(40, 76, brand, `font-size="40" font-weight="700" fill="#ffffff"`),
    text(POSTER_WIDTH - 40, 74, wrapText(pointName, 16, 1)[0] ?? "", `font-size="28" fill="#ffffff" text-anchor="end"`),
  ].join("");
}

function open(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${POSTER_WIDTH}" height="${POSTER_HEIGHT}" viewBox="0 0 ${POSTER_WIDTH} ${POSTER_HEIGHT}" font-family="${FONT}"><rect width="${POSTER_WIDTH}" height="${POSTER_HEIGHT}" fill="#ffffff"/>`;
}

export interface ProductPosterInput {
  brand: string;
  pointName: string;
  /** One line about the point, e.g. "浦东新区 · 阳光花园 · 08:00–21:00 自提". */
  pointLine: string;
  title: string;
  /** Already formatted through the shared money formatter, e.g. "¥39.90". */
  price: string;
  unit: string;
  /** Words before the price, e.g. "3人团" on a group-deal poster. */
  priceLabel?: string;
  imageDataUri: string | null;
  /** The QR of `url`, an SVG document 220 px wide. */
  qrSvg: string;
  qrCaption: string;
  url: string;
}

export function productPosterSvg(p: ProductPosterInput): string {
  const parts = [open(), header(p.brand, p.pointName)];
  parts.push(`<defs><clipPath id="photo"><rect x="40" y="150" width="670" height="670" rx="24"/></clipPath></defs>`);
  parts.push(`<rect x="40" y="150" width="670" height="670" rx="24" fill="#f5f6f7"/>`);
  if (p.imageDataUri) {
    parts.push(`<image x="40" y="150" width="670" height="670" preserveAspectRatio="xMidYMid slice" clip-path="url(#photo)" href="${escapeXml(p.imageDataUri)}"/>`);
  }
  wrapText(p.title, 15, 2).forEach((line, i) => parts.push(text(40, 884 + i * 54, line, `font-size="42" font-weight="700" fill="${INK}"`)));
  const price = p.price.startsWith("¥") ? p.price.slice(1) : p.price;
  parts.push(
    `<text x="40" y="1040" fill="${PRICE}" font-weight="700">${p.priceLabel ? `<tspan font-size="36">${escapeXml(p.priceLabel)} </tspan>` : ""}<tspan font-size="40">¥</tspan><tspan font-size="76">${escapeXml(price)}</tspan><tspan font-size="28" fill="${MUTED}" font-weight="400"> /${escapeXml(p.unit)}</tspan></text>`,
  );
  wrapText(p.pointLine, 19, 3).forEach((line, i) => parts.push(text(40, 1090 + i * 30, line, `font-size="22" fill="${MUTED}"`)));
  parts.push(place(p.qrSvg, 490, 900));
  parts.push(text(600, 1150, wrapText(p.qrCaption, 9, 1)[0] ?? "", `font-size="22" fill="${INK}" text-anchor="middle"`));
  parts.push(text(POSTER_WIDTH / 2, 1186, p.url, `font-size="16" fill="${MUTED}" text-anchor="middle"`));
  parts.push("</svg>");
  return parts.join("");
}

export interface InvitePosterInput {
  brand: string;
  pointName: string;
  /** The headline, e.g. "在阳光花园便利店团购取货". */
  title: string;
  /** Short lines under it: area, hours, door delivery. */
  lines: string[];
  /** The QR of `url`, an SVG document 400 px wide. */
  qrSvg: string;
  qrCaption: string;
  url: string;
}

export function invitePosterSvg(p: InvitePosterInput): string {
  const parts = [open(), header(p.brand, p.pointName)];
  wrapText(p.title, 15, 2).forEach((line, i) => parts.push(text(POSTER_WIDTH / 2, 250 + i * 64, line, `font-size="50" font-weight="700" fill="${INK}" text-anchor="middle"`)));
  p.lines.slice(0, 3).forEach((line, i) => parts.push(text(POSTER_WIDTH / 2, 400 + i * 44, wrapText(line, 24, 1)[0] ?? "", `font-size="28" fill="${MUTED}" text-anchor="middle"`)));
  parts.push(`<rect x="155" y="550" width="440" height="440" rx="24" fill="#ffffff" stroke="${BRAND}" stroke-width="4"/>`);
  parts.push(place(p.qrSvg, 175, 570));
  parts.push(text(POSTER_WIDTH / 2, 1060, wrapText(p.qrCaption, 20, 1)[0] ?? "", `font-size="32" fill="${INK}" text-anchor="middle" font-weight="700"`));
  parts.push(text(POSTER_WIDTH / 2, 1120, p.url, `font-size="20" fill="${MUTED}" text-anchor="middle"`));
  parts.push("</svg>");
  return parts.join("");
}
