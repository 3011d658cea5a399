/** The SuiteQL subset the sandbox understands (an SQL-92 style SELECT over one table and joins). */
export type Expr =
  | { kind: 'literal'; value: string | number | null }
  | { kind: 'column'; table?: string; name: string }
  | { kind: 'call'; name: string; args: Expr[]; star?: boolean }
  | { kind: 'logical'; op: 'AND' | 'OR'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'compare'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr }
  | { kind: 'like'; expr: Expr; pattern: Expr; negated: boolean }
  | { kind: 'in'; expr: Expr; list: Expr[]; negated: boolean }
  | { kind: 'between'; expr: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: 'isNull'; expr: Expr; negated: boolean };

export type SelectItem = { kind: 'all'; table?: string } | { kind: 'expr'; expr: Expr; alias?: string };

export interface TableRef {
  table: string;
  alias: string;
}

export interface Join extends TableRef {
  type: 'INNER' | 'LEFT';
  on: Expr;
}

export interface SelectQuery {
  distinct: boolean;
  top?: number;
  select: SelectItem[];
  from: TableRef;
  joins: Join[];
  where?: Expr;
  orderBy: { expr: Expr; descending: boolean }[];
}

/** A query NetSuite would refuse: answered 400 with this message. */
export class SuiteQlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuiteQlError';
  }
}
