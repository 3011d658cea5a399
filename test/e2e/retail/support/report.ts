import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bus } from '../../../../src/ports/bus.ts';
import type { DeadLetterStore } from '../../../../src/ports/storage.ts';
import type { RetailFlowModule } from '../../../../src/flows/module.ts';

/** Where the proof tests leave their measurements (git-ignored). */
export const PROOF_ARTIFACTS = fileURLToPath(new URL('../../../../artifacts/proof/', import.meta.url));

/** Writes a proof report under artifacts/proof/ (text as it is, anything else as JSON) and answers its path. */
export function writeProofReport(name: string, report: unknown): string {
  mkdirSync(PROOF_ARTIFACTS, { recursive: true });
  const file = join(PROOF_ARTIFACTS, name);
  writeFileSync(file, typeof report === 'string' ? report : `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** Distinct subjects (business keys) of the logged events of one type, read page by page. */
export async function loggedSubjects(bus: Bus, type: string): Promise<Set<string>> {
  const subjects = new Set<string>();
  let afterSeq = 0;
  for (;;) {
    const page = await bus.find({ type, afterSeq, limit: 1_000 });
    for (const entry of page) if (entry.event.subject) subjects.add(entry.event.subject);
    if (page.length < 1_000) return subjects;
    afterSeq = page[page.length - 1]!.seq;
  }
}

/** Every module's business counts (`orders.booked`, `returns.refunded`...), merged. */
export async function moduleCounts(modules: readonly RetailFlowModule[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const module of modules) Object.assign(counts, await module.report?.());
  return counts;
}

/**
 * Open exceptions (dead letters) by `kind target reason`, e.g. `flow order-capture PRICE_MISMATCH`:
 * how many, and the first few of each with key and message (where to start when one is
 * unexpected). One pass over the open dead letters, page by page.
 */
export async function openExceptions(deadLetters: DeadLetterStore, examplesPerReason = 2): Promise<{ byReason: Record<string, number>; examples: Record<string, { key: string; message: string }[]> }> {
  const byReason: Record<string, number> = {};
  const examples: Record<string, { key: string; message: string }[]> = {};
  let afterId: number | undefined;
  for (;;) {
    const page = await deadLetters.list({ status: 'open', limit: 500, ...(afterId !== undefined && { afterId }) });
    for (const entry of page) {
      const reason = `${entry.kind} ${entry.target} ${entry.error.code ?? entry.error.type}`;
      byReason[reason] = (byReason[reason] ?? 0) + 1;
      const kept = (examples[reason] ??= []);
      if (kept.length < examplesPerReason) kept.push({ key: entry.key, message: entry.error.message.slice(0, 300) });
    }
    if (page.length < 500) return { byReason, examples };
    afterId = page[page.length - 1]!.id;
  }
}
