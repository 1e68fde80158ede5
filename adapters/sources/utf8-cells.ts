// What the block readers share: their bounds' growth, and a driver's cell bytes made into a RowBlock whose
// every cell is valid UTF-8, as a string of it would be.
import { isUtf8 } from 'node:buffer';
import { ByteSink } from '../../core/byte-sink.ts';
import { CellBlock } from '../../core/row-block.ts';
import { decodeUtf8, type RowBlock } from '../../core/source.ts';

/** Room for `needed` bounds: twice as many as before, or more where that is too few. */
export function grownBounds(bounds: Int32Array, needed: number): Int32Array {
  const larger = new Int32Array(Math.max(needed, bounds.length * 2));
  larger.set(bounds);
  return larger;
}

/**
 * The block, with every cell valid UTF-8 as a string's would be: the database sends text in the connection's
 * UTF-8, but a binary column (or a database without an encoding) may hold anything, and such a cell is decoded
 * with replacement characters, the way a driver decodes a string. When all the bytes are valid UTF-8 and no cell starts inside a character,
 * every cell begins and ends on a character's boundary, so each is valid on its own.
 */
export function wholeCells(names: string[], count: number, bytes: Uint8Array, bounds: Int32Array): RowBlock {
  if (isUtf8(bytes) && startsOnCharacters(bytes, bounds)) return CellBlock.ofBytes(names, count, bytes, bounds);
  const repaired = new ByteSink(bytes.length);
  for (let at = 0; at < bounds.length; at += 2) {
    if (bounds[at] === -1) continue;
    const cell = bytes.subarray(bounds[at], bounds[at + 1]);
    bounds[at] = repaired.length;
    if (isUtf8(cell)) repaired.bytes(cell);
    else repaired.text(decodeUtf8(cell));
    bounds[at + 1] = repaired.length;
  }
  return CellBlock.ofBytes(names, count, repaired.view(), bounds);
}

function startsOnCharacters(bytes: Uint8Array, bounds: Int32Array): boolean {
  for (let at = 0; at < bounds.length; at += 2) {
    const start = bounds[at];
    if (start !== -1 && start < bounds[at + 1] && (bytes[start] & 0xc0) === 0x80) return false;
  }
  return true;
}
