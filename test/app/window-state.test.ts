import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, isVisibleOnSomeDisplay, loadWindowBounds, saveWindowBounds } from '../../main/app/window-state.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'custos-window-'));

describe('remembered window bounds', () => {
  it('restores what was saved and keeps other settings', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ recent: ['/a.jsonl'] }));
    saveWindowBounds(dir, { x: 40, y: 60, width: 1200, height: 800, maximized: true });
    expect(loadWindowBounds(dir)).toEqual({ x: 40, y: 60, width: 1200, height: 800, maximized: true });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).recent).toEqual(['/a.jsonl']);
  });

  it('falls back to defaults for a missing, corrupt or absurd settings file', () => {
    const dir = fresh();
    expect(loadWindowBounds(dir)).toEqual(DEFAULT_BOUNDS);
    writeFileSync(join(dir, 'settings.json'), '{not json');
    expect(loadWindowBounds(dir)).toEqual(DEFAULT_BOUNDS);
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ window: { width: 10, height: 'tall' } }));
    expect(loadWindowBounds(dir)).toEqual(DEFAULT_BOUNDS);
  });

  it('does not restore a window onto a display that is gone', () => {
    const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(isVisibleOnSomeDisplay({ x: 100, y: 100, width: 1200, height: 800, maximized: false }, screen)).toBe(true);
    expect(isVisibleOnSomeDisplay({ x: 3000, y: 100, width: 1200, height: 800, maximized: false }, screen)).toBe(false);
  });
});
