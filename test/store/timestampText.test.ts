// timestamptz text read by hand (daemon/store/postgres/timestampText.ts) must give the epoch ms a whole
// record gives (node-postgres's parser, then the Date): checked against that parser on the text
// PostgreSQL itself writes, in several time zones, fractions of every length, and the odd shapes.
import { strict as assert } from 'node:assert';
import pg from 'pg';
import { timestampMs, timestampMsIn } from '../../daemon/store/postgres/timestampText';
import { createTestDatabase, withClient } from '../support/postgresServer';

const driverMs = (text: string) => {
  const parsed = (pg.types.getTypeParser(1184 as Parameters<typeof pg.types.getTypeParser>[0], 'text') as (text: string) => Date | number)(
    text,
  );
  return typeof parsed === 'number' ? parsed : parsed.getTime();
};

describe('timestamptz text to epoch ms', () => {
  it('reads what PostgreSQL writes exactly as node-postgres does, in any time zone', async () => {
    const url = await createTestDatabase('timestamp_text');
    const instants = [
      '2026-11-18T09:31:49.696Z',
      '2026-11-18T09:31:49Z',
      '2030-01-01T00:00:00.001Z',
      '1999-12-31T23:59:59.999Z',
      '1969-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00Z',
      '2262-04-11T23:47:16.854Z',
      '9999-12-31T23:59:59.999Z',
      '0099-06-01T12:00:00Z',
      '0001-01-01T00:00:00Z',
    ];
    const texts: string[] = [];
    await withClient(url, async (client) => {
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham', 'Africa/Monrovia']) {
        await client.query(`SET TimeZone = '${zone}'`);
        const { rows } = await client.query<{ text: string }>(
          `SELECT (t::timestamptz + make_interval(secs => f))::text AS text
           FROM unnest($1::text[]) t, unnest(ARRAY[0, 0.1, 0.12, 0.000001, 0.123456, 0.9999995]::float8[]) f`,
          [instants],
        );
        texts.push(...rows.map((row) => row.text));
        // Before year 1 and far ahead: other shapes, read by the driver's parser.
        const { rows: odd } = await client.query<{ text: string }>(
          "SELECT unnest(ARRAY['0044-03-15 12:00:00 BC'::timestamptz, '12345-01-01 00:00:00+00'::timestamptz])::text AS text",
        );
        texts.push(...odd.map((row) => row.text));
      }
    });
    assert.ok(
      texts.some((text) => /\+05:30$/.test(text)) && texts.some((text) => /-03:30$/.test(text)) && texts.some((text) => / BC$/.test(text)),
    );
    for (const text of texts) assert.equal(timestampMs(text), driverMs(text), text);
    // In place, as the verify read takes it from a line of tab-separated fields: the same, to the ms.
    for (const text of texts) assert.equal(timestampMsIn(`active\t${text}\t${text}`, 7, 7 + text.length), driverMs(text), text);
  });
});
