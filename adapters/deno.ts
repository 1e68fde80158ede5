// Deno entry point: `deno task start`. The same wiring as on Node (adapters/wiring.ts), served with
// Deno.serve; the Host and the Piscina runner are Node's, through Deno's node: compatibility layer.
import { errorMessage, SluiceError } from '../core/errors.ts';
import { createNodeHost } from './node-host.ts';
import { createPiscinaRunner } from './piscina-runner.ts';
import { createService } from './wiring.ts';

// The few Deno APIs used here, so the project's type check (tsc, Node's types) needs no Deno types.
declare const Deno: {
  env: { toObject(): Record<string, string> };
  hostname(): string;
  readTextFile(path: string): Promise<string>;
  serve(
    options: { port: number; hostname: string; onListen(address: { hostname: string; port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> };
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void;
  exit(code: number): never;
};

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

async function main(): Promise<void> {
  const service = await createService({
    env: Deno.env.toObject(),
    defaultNodeId: Deno.hostname(),
    createHost: createNodeHost,
    createRunner: (_config, warm) => createPiscinaRunner(warm),
    readTextFile: (path) => Deno.readTextFile(path),
    log,
  });
  const { port, host } = service.config;
  const server = Deno.serve(
    {
      port,
      hostname: host,
      onListen: (address) => {
        // Printed as they are, without a timestamp: the demo's curl commands must paste as printed.
        for (const line of service.banner) console.log(line);
        log(`Listening on http://${address.hostname}:${address.port} (Deno)`);
      },
    },
    service.app.fetch,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) Deno.exit(1);
    stopping = true;
    log(`${signal} received: cancelling any running export and stopping`);
    await service.close().catch((error) => log(`Shutdown: ${errorMessage(error)}`));
    await server.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener('SIGTERM', () => void stop('SIGTERM'));
  Deno.addSignalListener('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  // One line naming what is wrong: a setting, the journal or the database.
  console.error(error instanceof SluiceError ? `sluice: ${error.message}` : `sluice: cannot start: ${errorMessage(error)}`);
  Deno.exit(1);
});
