/**
 * Renders assets/icons/icon.svg to the PNG sizes electron-builder and the renderer use, with
 * Debian's Chromium (no image libraries needed). Run after editing the SVG:
 *   npx tsx scripts/render-icon.ts
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, REPO_ROOT } from './ui-harness.js';

const SIZES = [512, 256, 128, 64, 32, 16];
const iconsDir = join(REPO_ROOT, 'assets', 'icons');
const svg = readFileSync(join(iconsDir, 'icon.svg'), 'utf8');

const browser = await launchChromium();
try {
  mkdirSync(iconsDir, { recursive: true });
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const scaled = svg.replace('width="512" height="512"', `width="${size}" height="${size}"`);
    await page.setContent(`<html><body style="margin:0;background:transparent">${scaled}</body></html>`);
    const target = size === 512 ? join(REPO_ROOT, 'assets', 'icon.png') : join(iconsDir, `${size}x${size}.png`);
    await page.screenshot({ path: target, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    process.stdout.write(`wrote ${target}\n`);
  }
} finally {
  await browser.close();
}
