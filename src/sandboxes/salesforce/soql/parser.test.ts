import { describe, expect, it } from 'vitest';
import { SalesforceApiError } from '../errors.ts';
import { parseSoql } from './parser.ts';

function parseError(soql: string): SalesforceApiError {
  try {
    parseSoql(soql);
  } catch (error) {
    if (error instanceof SalesforceApiError) return error;
    throw error;
  }
  throw new Error(`expected "${soql}" to be refused`);
}

describe('parseSoql — accepted queries', () => {
  it('parses fields, object, ORDER BY with NULLS, LIMIT and OFFSET', () => {
    const query = parseSoql('SELECT Id, Name FROM Account ORDER BY Name DESC NULLS FIRST, CreatedDate LIMIT 10 OFFSET 5');
    expect(query.select).toEqual({ kind: 'fields', fields: ['Id', 'Name'] });
    expect(query.from).toBe('Account');
    expect(query.orderBy).toEqual([
      { field: 'Name', direction: 'DESC', nulls: 'FIRST' },
      { field: 'CreatedDate', direction: 'ASC', nulls: 'FIRST' },
    ]);
    expect(query.limit).toBe(10);
    expect(query.offset).toBe(5);
  });

  it('is case-insensitive for keywords and parses COUNT()', () => {
    const query = parseSoql('select count() from Order where Status = \'Draft\'');
    expect(query.select).toEqual({ kind: 'count' });
    expect(query.where).toMatchObject({ kind: 'compare', field: 'Status', op: '=', value: { kind: 'string', value: 'Draft' } });
  });

  it('parses AND/OR with parentheses, IN, NOT IN, LIKE and every literal kind', () => {
    const query = parseSoql(
      "SELECT Id FROM Order WHERE (Status = 'Draft' OR Status = 'Activated') AND TotalAmount >= 10.5 AND Type IN ('Web', 'Store') " +
        "AND Description != null AND PoNumber NOT IN ('X') AND Name LIKE 'Har%' AND IsDeleted = false " +
        'AND SystemModstamp > 2026-11-01T00:00:00Z AND EffectiveDate <= 2026-11-30 AND LastModifiedDate = LAST_N_DAYS:7',
    );
    const text = JSON.stringify(query.where);
    expect(query.where?.kind).toBe('and');
    expect(text).toContain('"kind":"or"');
    expect(text).toContain('"kind":"in","field":"Type","negated":false');
    expect(text).toContain('"negated":true');
    expect(text).toContain('"kind":"like"');
    expect(text).toContain('"kind":"datetime"');
    expect(text).toContain('"kind":"date","value":"2026-11-30"');
    expect(text).toContain('"kind":"dateLiteral","name":"LAST_N_DAYS","n":7');
    expect(text).toContain('"kind":"boolean","value":false');
    expect(text).toContain('"kind":"null"');
  });

  it('reads <> as != and unescapes string literals', () => {
    const query = parseSoql("SELECT Id FROM Account WHERE Name <> 'O\\'Brien\\'s'");
    expect(query.where).toMatchObject({ op: '!=', value: { kind: 'string', value: "O'Brien's" } });
  });

  it('parses NOT before a parenthesised condition and date literals without a parameter', () => {
    const query = parseSoql('SELECT Id FROM Case WHERE NOT (IsClosed = true) AND CreatedDate = TODAY');
    expect(query.where).toMatchObject({ kind: 'and', left: { kind: 'not' }, right: { value: { kind: 'dateLiteral', name: 'TODAY' } } });
  });
});

describe('parseSoql — refused queries answer MALFORMED_QUERY naming the problem', () => {
  it.each([
    ['SELECT Id FROM Account WHERE', "unexpected token: '<EOF>'", 29],
    ['SELECT FROM Account', "unexpected token: 'FROM'", 8],
    ['SELECT Id Account', "unexpected token: 'Account'", 11],
    ["SELECT Id FROM Account WHERE Name = 'x' AND Type = 'y' OR Phone = 'z'", "unexpected token: 'OR'", 56],
    ['SELECT Id FROM Account LIMIT ten', "LIMIT must be a non-negative integer, found 'ten'", 30],
    ["SELECT Id FROM Account WHERE Name = 'unterminated", "unexpected token: ''unterminated'", 37],
    ['SELECT Id FROM Account WHERE LastModifiedDate > LAST_N_DAYS', "unexpected token: '<EOF>'", 60],
    ['SELECT Id FROM Account WHERE Name = Bob', "unexpected token: 'Bob'", 37],
    ['SELECT Id FROM Account WHERE Name # 1', "unexpected token: '#'", 35],
    ['SELECT Id FROM Account ORDER Name', "unexpected token: 'Name'", 30],
  ])('%s', (soql, problem, column) => {
    const error = parseError(soql);
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.status).toBe(400);
    expect(error.message).toContain(problem);
    expect(error.message).toContain(`ERROR at Row:1:Column:${column}`);
  });
});
