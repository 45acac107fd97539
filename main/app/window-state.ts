/**
 * Remembers the window's size and position between runs, in settings.json in Custos's data
 * directory. A corrupt or foreign settings file is ignored rather than trusted.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_BOUNDS: WindowBounds = { width: 1400, height: 900, maximized: false };
const MIN_WIDTH = 800;
const MIN_HEIGHT = 560;

function settingsPath(dataDirectory: string): string {
  return join(dataDirectory, 'settings.json');
}

function readSettings(dataDirectory: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(settingsPath(dataDirectory), 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const isFiniteInt = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && Number.isInteger(value);

/** The remembered bounds, or the defaults when none (or nonsense) were saved. */
export function loadWindowBounds(dataDirectory: string): WindowBounds {
  const saved = readSettings(dataDirectory).window as Record<string, unknown> | undefined;
  if (!saved || typeof saved !== 'object') return { ...DEFAULT_BOUNDS };
  const { x, y, width, height, maximized } = saved;
  if (!isFiniteInt(width) || !isFiniteInt(height) || width < MIN_WIDTH || height < MIN_HEIGHT || width > 20000 || height > 20000) {
    return { ...DEFAULT_BOUNDS };
  }
  const bounds: WindowBounds = { width, height, maximized: maximized === true };
  if (isFiniteInt(x) && isFiniteInt(y)) {
    bounds.x = x;
    bounds.y = y;
  }
  return bounds;
}

/** Saves the bounds, keeping every other setting; written to a temp file first so a crash never truncates it. */
export function saveWindowBounds(dataDirectory: string, bounds: WindowBounds): void {
  const settings = readSettings(dataDirectory);
  settings.window = bounds;
  const target = settingsPath(dataDirectory);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(settings, null, 2) + '\n');
  renameSync(temporary, target);
}

/** True when at least a usable part of the window lies on one of the displays' work areas. */
export function isVisibleOnSomeDisplay(
  bounds: WindowBounds,
  workAreas: Array<{ x: number; y: number; width: number; height: number }>,
): boolean {
  if (bounds.x === undefined || bounds.y === undefined) return true;
  const { x, y, width } = bounds;
  return workAreas.some((area) => {
    const overlapX = Math.min(x + width, area.x + area.width) - Math.max(x, area.x);
    const titleBarVisible = y >= area.y - 10 && y < area.y + area.height - 40;
    return overlapX >= 100 && titleBarVisible;
  });
}
