// What a pool's thread does once, when the server starts: loads the site's driver and runs the code every
// chunk runs (CSV records of text and bytes, character references, dates, decimals, label arrays) on made-up
// rows until the JIT has compiled it, so the first export runs at the speed of the later ones. It touches
// no database and no file, and keeps nothing but the compiled code.
import { loadDriver } from '../adapters/sources/open-source.ts';
import { ByteSink } from '../core/byte-sink.ts';
import { blockDateCell, dateCell, dateCellSeconds, decimalCell, epochCell } from '../core/entities/cells.ts';
import { decodeEntities, decodeEntitiesUtf8, HTML_REFERENCES } from '../core/entities/html-entities.ts';
import { sortedJsonArray } from '../core/entities/labels.ts';
import { createCsvWriter, recordsOf, type CsvCell } from '../core/csv.ts';
import { CellBlock } from '../core/row-block.ts';
import type { RowBlock } from '../core/source.ts';
import { searchable } from './searchable.ts';

// Enough calls for V8 to optimise the hot functions. Measured on the benchmark's site at scale 1 (a fresh
// server, three servers each, interleaved): 4,000 rounds took 5.6-6.2 s of CPU to start the server and 400
// took 3.7-4.4 s, while the first export took the same (1.49-1.53 s and 2.0 s of CPU against 1.49-1.81 s
// and 1.95-2.34 s) and later ones too; without rounds, later exports took 10% more CPU.
const ROUNDS = 400;

export async function warmUp(databaseUrl: string): Promise<void> {
  await loadDriver(databaseUrl);
  const encoder = new TextEncoder();
  const body = encoder.encode('<p>caf\u00e9 &amp; cr\u00e8me &#8212; "quoted", line\r\nbreak</p>');
  const writers = [createCsvWriter({ preserve: false, escape: '\\n' }, searchable), createCsvWriter({ preserve: true, escape: '' }, searchable)];
  const block = madeUpBlock(['42', 'caf\u00e9, "quoted"', null, '2024-03-05 14:07:09', '1709647629000']);
  // Eight records of a block's cells, dates, numbers and a body with references, as the converted entities write them.
  const records = recordsOf(8, (out) => {
    for (let c = 0; c < 3; c++) out.from(block, 0, c);
    out.plain(blockDateCell(block, 0, 3, 'Europe/Berlin'));
    out.plain(epochCell(block.number(0, 4)));
    out.references(body, HTML_REFERENCES);
  });
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const rows: CsvCell[][] = [];
    for (let i = 0; i < 8; i++) {
      const id = String(round * 8 + i);
      rows.push([
        id,
        'http://warm.example',
        dateCell('2024-03-05 14:07:09', 'UTC'),
        dateCellSeconds('2024-03-05 14:07:09+00', 'Europe/Berlin'),
        epochCell(1_709_647_629_000 + round),
        decimalCell('3.500000'),
        decodeEntities(`Title &lt;${id}&gt;, "quoted"\nline`),
        decodeEntitiesUtf8(body),
        sortedJsonArray(['b\u00e9', 'a', id]),
        null,
      ]);
    }
    sink += writers[round & 1].rows(rows).length;
    sink += writers[round & 1].rows(records).length;
    sink += block.equals(0, 0, '42') ? 1 : 0;
  }
  if (sink === 0) throw new Error('The warm-up wrote nothing');
}

/** A block of one row holding these cells, as a driver that hands over bytes makes it. */
function madeUpBlock(cells: readonly (string | null)[]): RowBlock {
  const bytes = new ByteSink();
  const bounds = new Int32Array(cells.length * 2);
  cells.forEach((cell, c) => {
    bounds[c * 2] = cell === null ? -1 : bytes.length;
    if (cell !== null) bytes.text(cell);
    bounds[c * 2 + 1] = cell === null ? -1 : bytes.length;
  });
  return CellBlock.ofBytes(
    cells.map((_, c) => `c${c}`),
    1,
    bytes.view(),
    bounds,
  );
}
