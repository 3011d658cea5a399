import { invalidContent, invalidFieldValue, missingRequiredField } from '../errors.ts';
import type { Fields } from './store.ts';

/** Internal id of a reference field value (`{ id: '5' }`), if any. */
export function refId(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return undefined;
}

export function ref(id: string): { id: string } {
  return { id };
}

/** Lines of a sublist written as `{ items: [...] }`. */
export function sublistLines(fields: Fields, name: string): Fields[] {
  const sublist = fields[name];
  if (typeof sublist !== 'object' || sublist === null) return [];
  const items = (sublist as { items?: unknown }).items;
  return Array.isArray(items) ? (items as Fields[]) : [];
}

export function hasSublist(fields: Fields, name: string): boolean {
  return sublistLines(fields, name).length > 0;
}

export function setSublist(fields: Fields, name: string, lines: Fields[]): void {
  fields[name] = { items: lines };
}

/** A numeric field; absent gives `fallback`, a non-number is an INVALID_CONTENT error at `path`. */
export function numberField(value: unknown, args: { path: string; fallback?: number; label: string }): number {
  if (value === undefined || value === null || value === '') {
    if (args.fallback !== undefined) return args.fallback;
    throw missingRequiredField({ label: args.label, path: args.path });
  }
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed)) throw invalidFieldValue({ field: args.label, path: args.path, value });
  return parsed;
}

export function positiveQuantity(value: unknown, path: string): number {
  const quantity = numberField(value, { path, label: 'Quantity' });
  if (quantity <= 0) throw invalidContent(`Quantity must be greater than 0; got ${quantity}.`, path);
  return quantity;
}

export function textField(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Select fields arrive as `'B'` or `{ id: 'B' }`. */
export function selectValue(value: unknown): string | undefined {
  return textField(value) ?? refId(value);
}

/** Money rounded to cents, as NetSuite stores currency amounts. */
export function money(value: number): number {
  return Math.round(value * 100) / 100;
}

export function status(id: string, refName: string): { id: string; refName: string } {
  return { id, refName };
}
