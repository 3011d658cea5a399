import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv.ts';

describe('Bulk API CSV', () => {
  it('parses quoted fields with commas, escaped quotes, new lines and CRLF', () => {
    const parsed = parseCsv('Name,Description\r\n"Trail ""Pro"" Boots","Waterproof,\nlight"\r\nBeanie,\n');
    expect(parsed).toEqual({
      header: ['Name', 'Description'],
      rows: [
        ['Trail "Pro" Boots', 'Waterproof,\nlight'],
        ['Beanie', ''],
      ],
    });
  });

  it('round-trips what it writes', () => {
    const rows = [['001', 'a "quoted", value'], ['002', '']];
    expect(parseCsv(toCsv(['sf__Id', 'Name'], rows))).toEqual({ header: ['sf__Id', 'Name'], rows });
  });
});
