import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatCount, formatTime } from '../format';
import { useCustos } from '../store/store';
import { axisSizeForLabels } from './chart-axis';

const HEIGHT = 120;

function cssColor(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

/**
 * Entries over time for the current filter. Dragging across the chart narrows the time filter
 * to the selection (the histogram then re-buckets at the finer scale).
 */
export function Histogram() {
  const histogram = useCustos((state) => state.histogram);
  const error = useCustos((state) => state.histogramError);
  const filter = useCustos((state) => state.filter);
  const setFilter = useCustos((state) => state.setFilter);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element || !histogram || histogram.buckets.length === 0) return;
    const { buckets, bucketMs } = histogram;
    const xs = buckets.map((bucket) => bucket.startMs);
    const counts = buckets.map((bucket) => (bucket.count > 0 ? bucket.count : null));
    // Empty buckets draw nothing rather than a flat red line along the axis.
    const failures = buckets.map((bucket) => (bucket.failures > 0 ? bucket.failures : null));
    const accent = cssColor(element, '--accent', '#3b82f6');
    const danger = cssColor(element, '--danger', '#dc2626');
    const axis = cssColor(element, '--text-muted', '#888');
    const grid = cssColor(element, '--border', '#333');
    const bars = uPlot.paths.bars!({ size: [0.9, 40], align: 1 });
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height: HEIGHT,
      ms: 1,
      tzDate: (ts) => uPlot.tzDate(new Date(ts), 'Etc/UTC'),
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: true, range: (_u, min, max) => [min, max + bucketMs] } },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: axisSizeForLabels, values: (_u, values) => values.map((v) => formatCount(v)) },
      ],
      series: [
        {},
        { label: 'Entries', stroke: accent, fill: `${accent}99`, paths: bars, points: { show: false } },
        { label: 'Failures', stroke: danger, fill: `${danger}cc`, paths: bars, points: { show: false } },
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            const fromMs = Math.floor(u.posToVal(u.select.left, 'x'));
            const toMs = Math.ceil(u.posToVal(u.select.left + u.select.width, 'x'));
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            if (toMs > fromMs) setFilter({ fromMs, toMs });
          },
        ],
      },
    };
    const chart = new uPlot(options, [xs, counts, failures], element);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [histogram, setFilter]);

  const buckets = histogram?.buckets ?? [];
  const bucketMs = histogram?.bucketMs ?? 0;
  const zoomed = filter.fromMs !== undefined || filter.toMs !== undefined;
  const peak = buckets.reduce((max, bucket) => Math.max(max, bucket.count), 0);
  return (
    <div className="histogram" aria-label="Entries over time">
      <div className="histogram-header">
        <span className="muted">
          Entries over time (UTC){bucketMs > 0 ? ` · ${describeBucket(bucketMs)} per bar · peak ${formatCount(peak)}` : ''} · drag across the chart to zoom
        </span>
        {zoomed && (
          <button className="button button--small" onClick={() => setFilter({ fromMs: undefined, toMs: undefined })}>
            Reset time range
          </button>
        )}
      </div>
      {error ? (
        <p className="error-text" role="alert">
          The histogram could not be computed: {error}
        </p>
      ) : buckets.length === 0 ? (
        <div className="histogram-empty muted">{histogram ? 'No timestamped entries match.' : 'Loading…'}</div>
      ) : (
        <div ref={container} className="histogram-chart" role="img" aria-label={`Histogram of ${buckets.length} time buckets from ${formatTime(buckets[0]!.startMs)} to ${formatTime(buckets[buckets.length - 1]!.startMs + bucketMs)}`} />
      )}
    </div>
  );
}

function describeBucket(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size) {
      const count = Math.round(ms / size);
      return count === 1 ? `1 ${name}` : `${count} ${name}s`;
    }
  }
  return `${ms} ms`;
}
