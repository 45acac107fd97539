import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../version.js';

/** DejaVu fonts shipped in assets/fonts (license beside them): Latin, Greek and Cyrillic, embedded as subsets. */
export const FONT_FILES = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
  // Tables: narrower letters fit more columns on a portrait page.
  condensed: 'DejaVuSansCondensed.ttf',
  condensedBold: 'DejaVuSansCondensed-Bold.ttf',
} as const;

export type FontRole = keyof typeof FONT_FILES;

export function fontPath(role: FontRole): string {
  const path = join(PACKAGE_ROOT, 'assets', 'fonts', FONT_FILES[role]);
  if (!existsSync(path)) throw new Error(`The report font ${path} is missing: the installation is incomplete.`);
  return path;
}
