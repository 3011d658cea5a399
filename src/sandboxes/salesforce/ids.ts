/**
 * Salesforce record ids: 15 case-sensitive base-62 characters (3-character key prefix naming the
 * object, 2-character pod, 1 reserved, 9-character counter) plus a 3-character suffix that makes
 * the 18-character form case-insensitive. The suffix algorithm is the documented one: for each
 * 5-character chunk, a 5-bit number with bit i set when character i is an upper-case letter,
 * mapped onto "A..Z0..5".
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm#i1435616
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
/** Pod and reserved characters of this sandbox's ids ("5g" is a real-looking pod, "0" reserved). */
const POD = '5g0';

export function checksumSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/** Issues ids per key prefix from a counter, so ids are unique and sort in creation order. */
export class IdFactory {
  #counter: number;
  constructor(start = 1_000_000) {
    this.#counter = start;
  }
  next(keyPrefix: string): string {
    this.#counter += 1;
    const id15 = keyPrefix + POD + toBase62(this.#counter, 9);
    return id15 + checksumSuffix(id15);
  }
}

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** True when the value has the shape of a 15- or 18-character id with a valid suffix. */
export function isWellFormedId(value: string): boolean {
  if (!ID_PATTERN.test(value)) return false;
  if (value.length === 18) return checksumSuffix(value.slice(0, 15)) === value.slice(15).toUpperCase();
  return true;
}

/** The 18-character form of a well-formed id (the form the API always returns). */
export function toId18(value: string): string {
  return value.length === 18 ? value.slice(0, 15) + value.slice(15).toUpperCase() : value + checksumSuffix(value);
}
