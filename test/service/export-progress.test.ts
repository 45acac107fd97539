import { describe, expect, it } from 'vitest';
import type { ExportProgress } from '../../shared/report.js';
import { ExportTracker, PDF_SPANS } from '../../main/service/export-progress.js';

describe('export progress', () => {
  it('maps each phase onto its share of the whole, never goes back, and thins events to about one per percent', () => {
    const sent: ExportProgress[] = [];
    let now = 0;
    const tracker = new ExportTracker('pdf-1', PDF_SPANS, (progress) => sent.push(progress), () => now);
    for (let bytes = 0; bytes <= 1_000_000; bytes += 1_000) {
      now += 5;
      tracker.report('collecting', bytes, 1_000_000);
    }
    // 1,001 reports over 30 % of the bar at most one per 100 ms: a few dozen events, not a thousand.
    expect(sent.length).toBeGreaterThan(20);
    expect(sent.length).toBeLessThan(60);
    expect(sent.at(-1)?.fraction).toBeCloseTo(0.3, 5);

    // A phase change is always sent; a later phase's early steps never move the bar back.
    tracker.report('layout', 0, 10_000);
    expect(sent.at(-1)).toMatchObject({ exportId: 'pdf-1', phase: 'layout', done: 0, total: 10_000 });
    expect(sent.at(-1)?.fraction).toBeCloseTo(0.3, 5);
    now += 1_000;
    tracker.report('rendering', 5_000, 10_000);
    expect(sent.at(-1)?.fraction).toBeCloseTo(0.55 + 0.38 / 2, 5);
    now += 1_000;
    tracker.report('collecting', 0, 1_000_000);
    expect(sent.at(-1)?.fraction).toBeCloseTo(0.74, 5);

    tracker.finish();
    expect(sent.at(-1)).toMatchObject({ phase: 'writing', fraction: 1 });
    const fractions = sent.map((progress) => progress.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });
});
