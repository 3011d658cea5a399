/** Syntax tree of the SOQL subset the sandbox understands. */
export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  /** `2026-11-01` */
  | { kind: 'date'; value: string }
  /** `2026-11-01T00:00:00Z`, kept as milliseconds since epoch. */
  | { kind: 'datetime'; ms: number; text: string }
  /** `TODAY`, `LAST_N_DAYS:7`, ... */
  | { kind: 'dateLiteral'; name: string; n?: number };

export const ComparisonOperator = {
  eq: '=',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
} as const;
export type ComparisonOperator = (typeof ComparisonOperator)[keyof typeof ComparisonOperator];

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; field: string; op: ComparisonOperator; value: Literal; column: number }
  | { kind: 'in'; field: string; negated: boolean; values: Literal[]; column: number }
  | { kind: 'like'; field: string; pattern: string; column: number };

export interface OrderByItem {
  field: string;
  direction: 'ASC' | 'DESC';
  nulls: 'FIRST' | 'LAST';
}

export interface SoqlQuery {
  /** Selected field names as written, or `count` for `SELECT COUNT()`. */
  select: { kind: 'fields'; fields: string[] } | { kind: 'count' };
  from: string;
  where?: Condition;
  orderBy: OrderByItem[];
  limit?: number;
  offset?: number;
}
