// A query's rows straight from mysql2's row packets into a RowBlock: each cell's bytes are copied into one
// buffer and its bounds noted, and no row object or string is made. mysql2 (3.x) reads a result's rows in
// the query command's `row` state, which its `fieldsEOF` state takes from the instance (`return this.row`),
// so the state is replaced on the command itself. The command still reads the header, the column
// definitions, the final EOF and any error packet as it always does.
import type mysql from 'mysql2/promise';
import { ByteSink } from '../../core/byte-sink.ts';
import type { RowBlock } from '../../core/source.ts';
import { grownBounds, wholeCells } from './utf8-cells.ts';

// Length-coded integers (the protocol's cell lengths): one byte below 251, or a marker and 2, 3 or 8 bytes.
const [NULL_CELL, TWO_BYTES, THREE_BYTES, EIGHT_BYTES] = [0xfb, 0xfc, 0xfd, 0xfe];
// Cells this long are copied by set() on a view; shorter ones byte by byte, cheaper than making the view.
const LONG_CELL = 48;
// A first query's buffers; later ones start at the size of the query before.
const [INITIAL_BOUNDS, INITIAL_BYTES] = [8 * 1024, 64 * 1024];

interface RowPacket {
  buffer: Uint8Array;
  offset: number;
  end: number;
  isEOF(): boolean;
}

type RowState = (this: QueryCommand, packet: RowPacket, connection: unknown) => unknown;

interface QueryCommand {
  row: RowState;
  _fieldCount: number;
}

interface CoreConnection {
  query(options: { sql: string; values: unknown[] }, callback: (error: Error | null, rows: unknown, fields?: { name: string }[]) => void): QueryCommand;
}

/**
 * Runs queries on the connection and hands their rows over as blocks of UTF-8 cells. Each block's buffers
 * start at the size the previous one ended with: a keyset chunk is mostly the size of the one before it.
 */
export function createRowReader(conn: mysql.Connection): (sql: string, values: readonly unknown[]) => Promise<RowBlock> {
  const last = { bounds: INITIAL_BOUNDS, bytes: INITIAL_BYTES };
  return async (sql, values) => {
    const block = await readRowBlock(conn, sql, values, last);
    last.bounds = Math.max(INITIAL_BOUNDS, block.length * block.width * 2);
    last.bytes = Math.max(INITIAL_BYTES, block.bytes?.length ?? 0);
    return block;
  };
}

function readRowBlock(conn: mysql.Connection, sql: string, values: readonly unknown[], size: { bounds: number; bytes: number }): Promise<RowBlock> {
  return new Promise((resolve, reject) => {
    const cells = new ByteSink(size.bytes);
    let bounds: Int32Array = new Int32Array(size.bounds);
    let count = 0;
    let at = 0;
    const core = (conn as unknown as { connection: CoreConnection }).connection;
    const command = core.query({ sql, values: [...values] }, (error, rows, fields) => {
      if (error) reject(error);
      // Rows in the driver's own result mean it read them without the state below (another mysql2 version):
      // an error, never a block that silently lacks them.
      else if (Array.isArray(rows) && rows.length > 0) reject(new Error('Cannot read rows as cells: the MySQL driver parsed them itself'));
      else resolve(wholeCells(fields?.map((f) => f.name) ?? [], count, cells.view(), bounds.subarray(0, at)));
    });
    const readEnd = Object.getPrototypeOf(command).row as RowState;
    command.row = function row(packet, connection) {
      if (packet.isEOF()) return readEnd.call(this, packet, connection);
      const width = this._fieldCount;
      if (!(width > 0)) throw new Error('Cannot read rows as cells: the MySQL driver did not say how many columns a row has');
      if (at + width * 2 > bounds.length) bounds = grownBounds(bounds, at + width * 2);
      const buf = packet.buffer;
      let p = packet.offset;
      // The row's cells are fewer bytes than its packet: room for all of them, then copied without more checks.
      const data = cells.reserve(packet.end - p);
      let to = cells.length;
      for (let c = 0; c < width; c++) {
        const first = buf[p++];
        if (first === NULL_CELL) {
          bounds[at++] = -1;
          bounds[at++] = -1;
          continue;
        }
        let length = first;
        if (first === TWO_BYTES) {
          length = buf[p] | (buf[p + 1] << 8);
          p += 2;
        } else if (first === THREE_BYTES) {
          length = buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16);
          p += 3;
        } else if (first === EIGHT_BYTES) {
          length = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16)) + buf[p + 3] * 2 ** 24 + (buf[p + 4] | (buf[p + 5] << 8)) * 2 ** 32;
          p += 8;
        }
        bounds[at++] = to;
        if (length < LONG_CELL) for (let end = p + length; p < end; ) data[to++] = buf[p++];
        else {
          data.set(buf.subarray(p, p + length), to);
          to += length;
          p += length;
        }
        bounds[at++] = to;
      }
      cells.length = to;
      count++;
      return command.row;
    };
  });
}
