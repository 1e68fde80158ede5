// Node entry point: `npm start`.
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { serve } from '@hono/node-server';
import { errorMessage, SluiceError } from '../core/errors.ts';
import { createNodeHost, defaultNodeId } from './node-host.ts';
import { createPiscinaRunner } from './piscina-runner.ts';
import { createService } from './wiring.ts';

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

async function main(): Promise<void> {
  const service = await createService({
    env: process.env,
    defaultNodeId: defaultNodeId(),
    createHost: createNodeHost,
    createRunner: (_config, warm) => createPiscinaRunner(warm),
    readTextFile: (path) => readFile(path, 'utf8'),
    log,
  });
  const server = serve({ fetch: service.app.fetch, port: service.config.port, hostname: service.config.host }, (info) => {
    // Printed as they are, without a timestamp: the demo's curl commands must paste as printed.
    for (const line of service.banner) console.log(line);
    log(`Listening on http://${info.address}:${info.port}`);
  });
  answerUnparsableRequests(server);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal} received: cancelling any running export and stopping`);
    await service.close().catch((error) => log(`Shutdown: ${errorMessage(error)}`));
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * Requests Node's HTTP parser refuses before the app sees them (URL and headers over its 16 KB limit, bytes
 * that are not HTTP) get the API's JSON error body too, rather than an empty reply.
 */
function answerUnparsableRequests(server: ReturnType<typeof serve>): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({
      errors: [
        tooLarge
          ? { key: 'request.too.large', message: "Cannot read the request: its URL and headers exceed the server's limit (16 KB by default)" }
          : { key: 'bad.request', message: 'Cannot read the request: it is not valid HTTP' },
      ],
    });
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
}

main().catch((error) => {
  // One line naming what is wrong: a setting, the journal or the database.
  console.error(error instanceof SluiceError ? `sluice: ${error.message}` : `sluice: cannot start: ${errorMessage(error)}`);
  process.exit(1);
});
