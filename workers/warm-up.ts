// What a pool's thread does once, when the server starts, so the first export runs at the speed of the later
// ones: loads the site's driver, runs the code every chunk runs (CSV records of text and bytes, character
// references, dates, decimals, label arrays) on made-up rows until the JIT has compiled it, then reads its
// entity's first rows from the site a few times over one connection, as an export reads them, and writes
// them to nothing. It writes no file, and keeps nothing but the compiled code.
import { loadDriver, openSource } from '../adapters/sources/open-source.ts';
import { ByteSink } from '../core/byte-sink.ts';
import { blockDateCell, dateCell, dateCellSeconds, decimalCell, epochCell } from '../core/entities/cells.ts';
import { decodeEntities, decodeEntitiesUtf8, HTML_REFERENCES } from '../core/entities/html-entities.ts';
import { sortedJsonArray } from '../core/entities/labels.ts';
import { createCsvWriter, recordsOf, type CsvCell } from '../core/csv.ts';
import { CellBlock } from '../core/row-block.ts';
import type { RowBlock } from '../core/source.ts';
import { entityOf, inSchemaVersion } from '../core/entities/index.ts';
import type { WarmTask } from '../core/job/task.ts';
import { searchable } from './searchable.ts';

// Enough calls for V8 to optimise the hot functions. Measured on the benchmark's site at scale 1 (a fresh
// server, three servers each, interleaved): 4,000 rounds took 5.6-6.2 s of CPU to start the server and 400
// took 3.7-4.4 s, while the first export took the same (1.49-1.53 s and 2.0 s of CPU against 1.49-1.81 s
// and 1.95-2.34 s) and later ones too; without rounds, later exports took 10% more CPU.
const ROUNDS = 400;

// The entity's first rows, read this many times. What is left cold after the made-up rows is the export's
// own path: the connection, the driver's parsing, the entity's queries and decoding. Measured on the
// benchmark's site at scale 0.25 (three fresh servers each, the Sluice threads' CPU for a whole export):
// without reads the first export took 450-720 ms and the third 220-300 ms; after 20 reads of 100 rows
// 350-430 ms and 180-200 ms; after 50, 340 ms and 170-210 ms.
export const WARM_READS = 30;
const READ_ROWS = 100;
// An export started just after the server waits for the threads still warming, so a site slow to answer
// (a connection that hangs until its timeout) ends a thread's reads after this long.
export const WARM_READS_MS = 2000;

export async function warmUp(task: WarmTask, readsWithinMs = WARM_READS_MS): Promise<void> {
  await loadDriver(task.databaseUrl);
  warmOnMadeUpRows();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, readsWithinMs)));
  // A site that cannot be read now (down, a table missing) is read by the export, which says why.
  await Promise.race([warmOnFirstRows(task, Date.now() + readsWithinMs).catch(() => undefined), late]);
  clearTimeout(timer);
}

/**
 * Reads the entity's first rows WARM_READS times over one connection, each chunk made into CSV and dropped;
 * none after the deadline (a connection that opens late is closed unread).
 */
async function warmOnFirstRows(task: WarmTask, deadline: number): Promise<void> {
  const entity = entityOf(task.product, task.entity);
  if (!entity || !inSchemaVersion(entity, task.ctx.schemaVersion)) return;
  const csv = createCsvWriter(task.lineBreak, searchable);
  const db = await openSource(task.databaseUrl);
  try {
    for (let read = 0; read < WARM_READS && Date.now() < deadline; read++) csv.rows((await entity.read(db, task.ctx, null, READ_ROWS)).rows);
  } finally {
    await db.close();
  }
}

function warmOnMadeUpRows(): void {
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
