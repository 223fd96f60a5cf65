// Statements whose rows are handed over one at a time, as node-postgres reads them off the socket: no
// row object per row and no page of rows kept until the statement ends. What the verify index's read
// of a million keys needs: each row's strings are garbage as soon as the row is read, so the young
// generation's collections find almost nothing alive (kept in a page, every row outlived a scavenge or
// two and was copied, then promoted).
import pg from 'pg';

/** A row's fields in the statement's order, as PostgreSQL's text; null for NULL. */
export type RowFields = readonly (string | null)[];

/** What a row handler threw: the rows after it are skipped, and the statement fails with it once it ends. */
abstract class EachRowQuery<T> extends pg.Query {
  /** Not `rows`: pg.Query's own `rows` is the portal's page size, and would change how it talks. */
  received = 0;
  failure: { error: unknown } | undefined;

  constructor(
    text: string,
    private readonly each: (row: T) => void,
    done: (error: Error | undefined) => void,
  ) {
    super(text, done);
  }

  protected hand(row: T): void {
    if (this.failure !== undefined) return;
    try {
      this.each(row);
      this.received += 1;
    } catch (error) {
      this.failure = { error };
    }
  }
}

class FieldRowsQuery extends EachRowQuery<RowFields> {
  // pg.Query's own parses the row into an object and keeps it in the result: neither is wanted here.
  handleDataRow(message: { fields: RowFields }): void {
    this.hand(message.fields);
  }
}

const NEWLINE = 0x0a;

class CopyLinesQuery extends EachRowQuery<string> {
  // COPY ... TO STDOUT: one CopyData message per row, its line ending in a newline (left out here).
  handleCopyData(message: { chunk: Buffer }): void {
    const { chunk } = message;
    this.hand(chunk.toString('utf8', 0, chunk[chunk.length - 1] === NEWLINE ? chunk.length - 1 : chunk.length));
  }
}

function run<T>(
  client: Pick<pg.ClientBase, 'query'>,
  make: (done: (error: Error | undefined) => void) => EachRowQuery<T>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const query: EachRowQuery<T> = make((error) => {
      if (error !== undefined && error !== null) reject(error);
      else if (query.failure !== undefined) reject(query.failure.error);
      else resolve(query.received);
    });
    client.query(query);
  });
}

/**
 * Runs `text` on `client`, calling `each` with every row's fields as it arrives; resolves with the number
 * of rows once the statement is done. `each` runs while the socket's data is read: it must be quick and
 * must not keep `fields`'s array (its strings it may keep).
 */
export function eachRowFields(client: Pick<pg.ClientBase, 'query'>, text: string, each: (fields: RowFields) => void): Promise<number> {
  return run(client, (done) => new FieldRowsQuery(text, each, done));
}

/**
 * Runs `copy` (COPY ... TO STDOUT, text format) on `client`, calling `each` with every row's line, its
 * newline left out, as it arrives; resolves with the number of rows once the COPY is done.
 */
export function eachCopyLine(client: Pick<pg.ClientBase, 'query'>, copy: string, each: (line: string) => void): Promise<number> {
  return run(client, (done) => new CopyLinesQuery(copy, each, done));
}
