import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';

// The nice value of a thread, as Linux reports it: the 19th field of its stat line, after the command.
const NICE_OF = `(path) => Number(require('node:fs').readFileSync(path, 'latin1').split(') ')[1].split(' ')[16])`;

/** The module as JavaScript a bare worker thread can import (it imports only Node's modules). */
function compiled(): string {
  const source = readFileSync(new URL('../../workers/thread-priority.ts', import.meta.url), 'utf8');
  const file = join(mkdtempSync(join(tmpdir(), 'sluice-priority-')), 'thread-priority.mjs');
  writeFileSync(file, transformSync(source, { loader: 'ts', format: 'esm' }).code);
  return pathToFileURL(file).href;
}

/** Runs setThreadPriority(background) in a worker thread; resolves with the worker's nice value after it. */
function niceAfter(background: boolean): Promise<{ changed: boolean; nice: number }> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.module).then(({ setThreadPriority }) => {
      const changed = setThreadPriority(workerData.background);
      parentPort.postMessage({ changed, nice: (${NICE_OF})('/proc/thread-self/stat') });
    });`;
  const module = compiled();
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { module, background } });
    worker.once('message', (message) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

const mainNice = () => Number(readFileSync('/proc/thread-self/stat', 'latin1').split(') ')[1].split(' ')[16]);

describe('export threads under a budget work at the lowest CPU priority', { skip: process.platform !== 'linux' }, () => {
  it('a background thread gets nice 19, and the process and its other threads keep theirs', async () => {
    const before = mainNice();
    const result = await niceAfter(true);
    assert.deepEqual(result, { changed: true, nice: 19 });
    assert.equal(mainNice(), before);
  });

  it('a thread at normal priority (budget 1) stays at nice 0', async () => {
    const result = await niceAfter(false);
    assert.equal(result.nice, 0);
  });
});
