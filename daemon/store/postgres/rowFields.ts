// A query whose rows are handed over one at a time, as node-postgres reads them off the socket, as the
// fields' text (what the protocol parser already made): no row object per row and no page of rows kept
// until the statement ends. What the verify index's read of a million keys needs: each row's strings
// are garbage as soon as the row is read, so the young generation's collections find almost nothing
// alive (kept in a page, every row outlived a scavenge or two and was copied, then promoted).
import pg from 'pg';

/** A row's fields in the statement's order, as PostgreSQL's text; null for NULL. */
export type RowFields = readonly (string | null)[];

class FieldRowsQuery extends pg.Query {
  /** Not `rows`: pg.Query's own `rows` is the portal's page size, and would change how it talks. */
  received = 0;
  /** What `each` threw: the rows after it are skipped, and the query fails with it once it ends. */
  failure: { error: unknown } | undefined;

  constructor(
    text: string,
    private readonly each: (fields: RowFields) => void,
    done: (error: Error | undefined) => void,
  ) {
    super(text, done);
  }

  // pg.Query's own parses the row into an object and keeps it in the result: neither is wanted here.
  handleDataRow(message: { fields: RowFields }): void {
    if (this.failure !== undefined) return;
    try {
      this.each(message.fields);
      this.received += 1;
    } catch (error) {
      this.failure = { error };
    }
  }
}

/**
 * Runs `text` on `client`, calling `each` with every row's fields as it arrives; resolves with the number
 * of rows once the statement is done. `each` runs while the socket's data is read: it must be quick and
 * must not keep `fields`'s array (its strings it may keep).
 */
export function eachRowFields(client: Pick<pg.ClientBase, 'query'>, text: string, each: (fields: RowFields) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const query: FieldRowsQuery = new FieldRowsQuery(text, each, (error) => {
      if (error !== undefined && error !== null) reject(error);
      else if (query.failure !== undefined) reject(query.failure.error);
      else resolve(query.received);
    });
    client.query(query);
  });
}
