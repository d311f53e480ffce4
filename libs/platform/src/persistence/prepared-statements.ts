import { Client } from 'pg';

/**
 * When a statement runs as a named prepared statement. node-postgres prepares only statements the
 * caller names, and TypeORM names none, so every query was parsed, analysed and planned again:
 * under load PostgreSQL spent as long planning payments' statements as running them. pgJDBC
 * prepares a statement on its fifth use on a connection and keeps at most 256 per connection
 * (`prepareThreshold`, `preparedStatementCacheQueries`); these defaults follow it. Nothing here is
 * a library: no maintained pg wrapper does this for node-postgres, so it is written here.
 */
export interface StatementPreparation {
  /** Uses of one statement text on one connection before it is prepared; 0 prepares nothing. */
  readonly threshold: number;
  /** Statements one connection keeps prepared; texts beyond that run unnamed, as before. */
  readonly maxPerConnection: number;
}

export const DEFAULT_PREPARE_THRESHOLD = 5;
export const PREPARED_STATEMENTS_PER_CONNECTION = 256;

/**
 * Only data statements with parameters: they are what repeats, and a prepared statement's plan is
 * kept by the server. Transaction control, DDL (migrations) and parameterless one-offs run unnamed.
 */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** One connection's statements: how often each text ran, and the name of each one prepared. */
export class ConnectionStatements {
  private readonly uses = new Map<string, number>();
  private readonly names = new Map<string, string>();

  constructor(private readonly preparation: StatementPreparation) {}

  /** The name to run `text` under on this connection, or null to run it unnamed. */
  nameFor(text: string): string | null {
    const named = this.names.get(text);
    if (named !== undefined) return named;
    const { threshold, maxPerConnection } = this.preparation;
    if (threshold <= 0 || this.names.size >= maxPerConnection || !PREPARABLE.test(text)) return null;
    const used = (this.uses.get(text) ?? 0) + 1;
    if (used < threshold) {
      // Counting is bounded too: texts that never repeat (a multi-row insert of an unusual size) do not grow it forever.
      if (this.uses.has(text) || this.uses.size < maxPerConnection * 4) this.uses.set(text, used);
      return null;
    }
    this.uses.delete(text);
    // Names are per connection and never reused on it, so two texts can never meet under one name.
    const name = `kirim_s${this.names.size + 1}`;
    this.names.set(text, name);
    return name;
  }

  get prepared(): number {
    return this.names.size;
  }
}

/**
 * A node-postgres Client that runs the statements its connection repeats as named prepared
 * statements (parsed and planned once, then only bound and executed). For a Pool's `Client` option,
 * which TypeORM passes through `extra`. A prepared statement lives on its server session, outside
 * any transaction, and node-postgres re-sends the Parse if it ever failed; a transaction-mode
 * connection pooler before PgBouncer 1.21 does not keep sessions, so there the threshold must be 0.
 * PostgreSQL re-plans a prepared statement after a migration, but refuses one whose result columns
 * changed type ("cached plan must not change result type") until its connection is replaced: a
 * column's type changes by adding a new column, never in place, as a rolling deploy needs anyway.
 */
export function preparingClient(preparation: StatementPreparation): typeof Client {
  return class PreparingClient extends Client {
    private readonly statements = new ConnectionStatements(preparation);

    // pg's query() has a dozen overloads; only (text, values[, callback]) is rewritten, the rest pass through.
    override query(...args: unknown[]): never {
      const passOn = super.query as unknown as (...passed: unknown[]) => never;
      const [text, values, callback] = args;
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
        const name = this.statements.nameFor(text);
        if (name !== null) return passOn.call(this, { name, text, values }, ...(typeof callback === 'function' ? [callback] : []));
      }
      return passOn.apply(this, args);
    }
  };
}
