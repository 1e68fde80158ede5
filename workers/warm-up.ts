// What a pool's thread does once, when the server starts: loads the site's driver and runs the code every
// chunk runs (CSV records of text and bytes, character references, dates, decimals, label arrays) on made-up
// rows until the JIT has compiled it, so the first export runs at the speed of the later ones. It touches
// no database and no file, and keeps nothing but the compiled code.
import { loadDriver } from '../adapters/sources/open-source.ts';
import { dateCell, dateCellSeconds, decimalCell, epochCell } from '../core/entities/cells.ts';
import { decodeEntities, decodeEntitiesUtf8 } from '../core/entities/html-entities.ts';
import { sortedJsonArray } from '../core/entities/labels.ts';
import { createCsvWriter, type CsvCell } from '../core/csv.ts';

// Enough calls for V8 to optimise the hot functions; a few milliseconds of CPU.
const ROUNDS = 4000;

export async function warmUp(databaseUrl: string): Promise<void> {
  await loadDriver(databaseUrl);
  const encoder = new TextEncoder();
  const body = encoder.encode('<p>caf\u00e9 &amp; cr\u00e8me &#8212; "quoted", line\r\nbreak</p>');
  const writers = [createCsvWriter({ preserve: false, escape: '\\n' }), createCsvWriter({ preserve: true, escape: '' })];
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
  }
  if (sink === 0) throw new Error('The warm-up wrote nothing');
}
