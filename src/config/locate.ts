import { isMap, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ConfigPath } from './errors.ts';

/**
 * The 1-based line of a key path in the YAML source: the key itself when `atKey` (unknown or
 * malformed keys), else its value; for a missing key, the nearest enclosing mapping that exists.
 */
export function lineOf(document: Document, lines: LineCounter, path: ConfigPath, atKey = false): number | undefined {
  let node: unknown = document.contents;
  let offset = rangeStart(node);
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyOf(item.key) === String(segment));
      if (!pair) break;
      offset = rangeStart(last && atKey ? pair.key : (pair.value ?? pair.key)) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

function keyOf(key: unknown): string | undefined {
  if (key !== null && typeof key === 'object' && 'value' in key) return String((key as { value: unknown }).value);
  return key === undefined || key === null ? undefined : String(key);
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}
