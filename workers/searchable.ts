// Bytes as the CSV writer searches them fastest on Node and Deno (core/csv.ts, Searchable): as a Buffer,
// whose indexOf is native.
import { Buffer } from 'node:buffer';

export function searchable(bytes: Uint8Array): Uint8Array {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
