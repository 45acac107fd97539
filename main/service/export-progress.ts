/**
 * Progress of one long export (PDF or FHIR) as `export.progress` events: each phase owns a span of
 * the whole (reading the archive is most of a FHIR export; drawing rows most of a large PDF), the
 * fraction never goes back, and events are thinned to about one per percent (a phase's first and last
 * steps are always sent).
 */
import type { ExportPhase, ExportProgress } from '../../shared/report.js';

export type PhaseSpans = Partial<Record<ExportPhase, readonly [number, number]>>;

/** Reading the archive, laying out, drawing, signing, writing the file. */
export const PDF_SPANS: PhaseSpans = { collecting: [0, 0.3], layout: [0.3, 0.55], rendering: [0.55, 0.93], signing: [0.93, 0.98], writing: [0.98, 1] };
/** AuditEvents are written as the archive is read: reading is the export. */
export const FHIR_SPANS: PhaseSpans = { collecting: [0, 0.98], writing: [0.98, 1] };

const MIN_STEP = 0.01;
const MIN_INTERVAL_MS = 100;

export class ExportTracker {
  private fraction = 0;
  private lastSent: { phase: ExportPhase; fraction: number; atMs: number } | null = null;

  constructor(
    private readonly exportId: string,
    private readonly spans: PhaseSpans,
    private readonly send: (progress: ExportProgress) => void,
    private readonly now: () => number = Date.now,
  ) {}

  report(phase: ExportPhase, done: number, total: number | null): void {
    const span = this.spans[phase];
    if (!span) return;
    const [start, end] = span;
    const share = total !== null && total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
    this.fraction = Math.max(this.fraction, start + (end - start) * share);
    const atMs = this.now();
    const last = this.lastSent;
    const phaseDone = total !== null && done >= total;
    const due = !last || last.phase !== phase || (phaseDone && this.fraction > last.fraction) || (this.fraction - last.fraction >= MIN_STEP && atMs - last.atMs >= MIN_INTERVAL_MS);
    if (!due) return;
    this.lastSent = { phase, fraction: this.fraction, atMs };
    this.send({ exportId: this.exportId, phase, done, total, fraction: this.fraction });
  }

  /** The file is written: 100 %. */
  finish(): void {
    this.report('writing', 1, 1);
  }
}
