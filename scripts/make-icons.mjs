// Renders resources/icon.svg and resources/tray/tray.svg into the PNG/ICO files the app
// and the installers use, with Debian's Chromium (or VIGIL_CHROMIUM). Run after editing
// an SVG: node scripts/make-icons.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const browser = await chromium.launch({
  executablePath: process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();

async function render(svgPath, size, recolor) {
  let svg = readFileSync(svgPath, 'utf8');
  if (recolor) svg = svg.replaceAll('#000', recolor);
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
  );
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

/** An .ico holding PNG images (Windows Vista and later read these). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

writeFileSync('resources/icon.png', await render('resources/icon.svg', 1024));
const appIco = [];
for (const size of [16, 24, 32, 48, 64, 128, 256])
  appIco.push({ size, png: await render('resources/icon.svg', size) });
writeFileSync('resources/icon.ico', ico(appIco));
// macOS: template images (black + alpha; the system tints them).
writeFileSync('resources/tray/trayTemplate.png', await render('resources/tray/tray.svg', 16));
writeFileSync('resources/tray/trayTemplate@2x.png', await render('resources/tray/tray.svg', 32));
// Linux: light strokes for dark panels. Windows: .ico with the common tray sizes.
writeFileSync('resources/tray/tray.png', await render('resources/tray/tray.svg', 32, '#e5e7eb'));
writeFileSync('resources/tray/tray@2x.png', await render('resources/tray/tray.svg', 64, '#e5e7eb'));
const trayIco = [];
for (const size of [16, 24, 32])
  trayIco.push({ size, png: await render('resources/tray/tray.svg', size, '#e5e7eb') });
writeFileSync('resources/tray/tray.ico', ico(trayIco));
await browser.close();
console.log('icons written to resources/');
