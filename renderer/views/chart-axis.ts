import type uPlot from 'uplot';

/**
 * A y axis as wide as its longest label (uPlot's fixed default cuts "30,000" to "0,000"): the
 * labels' measured width plus tick and gap, as uPlot's own axis-autosize demo does.
 */
export function axisSizeForLabels(self: uPlot, values: string[] | null, axisIndex: number, cycle: number): number {
  const axis = self.axes[axisIndex] as uPlot.Axis & { _size?: number; font?: [string, number, number] };
  if (cycle > 1 && axis._size !== undefined) return axis._size;
  const tick = typeof axis.ticks === 'object' && typeof axis.ticks.size === 'number' ? axis.ticks.size : 10;
  const gap = typeof axis.gap === 'number' ? axis.gap : 5;
  const longest = (values ?? []).reduce((found, value) => (value.length > found.length ? value : found), '');
  if (longest === '' || !axis.font) return tick + gap + 24;
  self.ctx.font = axis.font[0];
  return Math.ceil(tick + gap + self.ctx.measureText(longest).width / (globalThis.devicePixelRatio || 1) + 4);
}
