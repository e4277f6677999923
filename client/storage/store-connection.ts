/**
 * What every store of one account shares: the open database, its transactions, and the one place
 * rows read back are validated and damaged ones reported. The stores (messages, conversations,
 * files) each own their IndexedDB stores' rows; this owns none.
 */
import type * as z from 'zod';
import { ProtocolError } from '../../shared/errors.js';
import { runTransaction } from './account-db.js';
import type { AccountDb, AccountStoreName, AccountTransaction } from './account-db.js';
import { parseRow } from './stored-message.js';

export class StoreConnection {
  readonly #onBadRow: (error: ProtocolError) => void;
  /** Details already reported: each damaged row is reported once per open account. */
  readonly #reported = new Set<string>();

  constructor(
    readonly db: AccountDb,
    onBadRow: (error: ProtocolError) => void,
  ) {
    this.#onBadRow = onBadRow;
  }

  /** `runTransaction` on this database: settles when the transaction has; a throw aborts it. */
  run<const Names extends AccountStoreName[], Mode extends IDBTransactionMode, Result>(
    names: Names,
    mode: Mode,
    body: (tx: AccountTransaction<Names, Mode>) => Promise<Result>,
  ): Promise<Result> {
    return runTransaction(this.db, names, mode, body);
  }

  /**
   * Validates a row read back from `store`; a damaged one is reported (once) and treated as absent.
   * Never deleted: the row may still be readable by a newer version, or by hand.
   */
  parse<T>(schema: z.ZodType<T>, store: string, key: IDBValidKey, raw: unknown): T | undefined {
    if (raw === undefined) return undefined;
    const result = parseRow(schema, store, key, raw);
    if (!(result instanceof ProtocolError)) return result;
    this.report(result);
    return undefined;
  }

  /** Reports damage found some other way (a missing chunk, say), once per detail. */
  report(error: ProtocolError): void {
    if (this.#reported.has(error.detail)) return;
    this.#reported.add(error.detail);
    this.#onBadRow(error);
  }

  close(): void {
    this.db.close();
  }
}
