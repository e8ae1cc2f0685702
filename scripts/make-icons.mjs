// Renders public/icons/*.png and public/favicon.ico from public/icons/icon.svg (run once; outputs are committed).
import sharp from "sharp";
import { readFileSync, writeFileSync } from "node:fs";

const svg = readFileSync("public/icons/icon.svg");
const maskableSvg = Buffer.from(
  svg
    .toString()
    .replace('<rect width="512" height="512" rx="112" fill="#16803c"/>', '<rect width="512" height="512" fill="#16803c"/><g transform="translate(64 64) scale(0.75)">')
    .replace("</svg>", "</g></svg>"),
);
for (const size of [192, 512]) {
  await sharp(svg).resize(size, size).png().toFile(`public/icons/icon-${size}.png`);
  await sharp(maskableSvg).resize(size, size).png().toFile(`public/icons/maskable-${size}.png`);
}
await sharp(svg).resize(180, 180).flatten({ background: "#16803c" }).png().toFile("public/icons/apple-touch-icon.png");
// favicon.ico holding one 32×32 PNG (ICO allows PNG payloads).
const png = await sharp(svg).resize(32, 32).png().toBuffer();
const header = Buffer.alloc(22);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(1, 4);
header.writeUInt8(32, 6);
header.writeUInt8(32, 7);
header.writeUInt8(0, 8);
header.writeUInt8(0, 9);
header.writeUInt16LE(1, 10);
header.writeUInt16LE(32, 12);
header.writeUInt32LE(png.length, 14);
header.writeUInt32LE(22, 18);
writeFileSync("public/favicon.ico", Buffer.concat([header, png]));
console.log("icons written");
