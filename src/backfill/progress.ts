import type { BackfillJob } from './job.ts';

/** What a person watching a backfill wants to know: how far, how fast, how long still. */
export interface BackfillProgress {
  /** 0..1 of the estimated total; null while the source has not said how many there are. */
  fraction: number | null;
  /** Records read per second since this run (re)started; null before the first chunk of it. */
  ratePerSecond: number | null;
  /** Milliseconds to go at that rate; null when unknown (no total or no rate yet) or done. */
  etaMs: number | null;
}

/**
 * Progress of a job at `now`. The rate counts only what this invocation read (a resumed run's
 * earlier hours say nothing about today's speed), and the ETA assumes the rest goes as fast.
 */
export function progressOf(job: BackfillJob, now: number): BackfillProgress {
  const total = job.estimatedTotal;
  const fraction = total === null ? null : total === 0 ? 1 : Math.min(1, job.read / total);
  const readNow = job.read - job.readAtResume;
  const elapsedMs = (job.status === 'running' ? now : job.updatedAt) - job.resumedAt;
  const ratePerSecond = readNow > 0 && elapsedMs > 0 ? (readNow * 1000) / elapsedMs : null;
  const remaining = total === null ? null : Math.max(0, total - job.read);
  const etaMs = job.status !== 'running' || remaining === null || ratePerSecond === null ? null : Math.round((remaining / ratePerSecond) * 1000);
  return { fraction, ratePerSecond, etaMs };
}

/** `1h 04m`, `3m 20s`, `12s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/**
 * One line for the terminal: a bar when the width allows and the total is known, then counts,
 * rate and ETA, e.g. `customer erp→crm [██████░░░░░░] 52% 1,040/2,000 · 310/s · ETA 3s · 2 failed`.
 */
export function progressLine(job: BackfillJob, now: number, options: { barWidth?: number; activity?: string } = {}): string {
  const { fraction, ratePerSecond, etaMs } = progressOf(job, now);
  const width = options.barWidth ?? 24;
  const parts: string[] = [`${job.entity} ${job.from}→${job.to}`];
  if (fraction !== null && width > 0) {
    const filled = Math.round(fraction * width);
    parts.push(`[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`);
  }
  const counts = [`${count(job.read)}${job.estimatedTotal === null ? '' : `/${count(job.estimatedTotal)}`} read`];
  if (ratePerSecond !== null) counts.push(`${count(Math.round(ratePerSecond))}/s`);
  if (etaMs !== null) counts.push(`ETA ${formatDuration(etaMs)}`);
  if (job.failed > 0) counts.push(`${count(job.failed)} failed`);
  if (options.activity) counts.push(options.activity);
  return `${parts.join(' ')} ${counts.join(' · ')}`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
