// How the server is started: `npm start` (package.json) and `deno task start` (deno.json) run these,
// and so do the tests and the benchmark that start it as a child process.
//
// `--single-threaded-gc`: each thread collects its own garbage, on itself. V8 otherwise marks and
// scavenges on helper threads at normal priority, beside export threads that run at the lowest (nice 19):
// on a machine shared with the site those helpers took cores from the site's own work, and parallel
// collection costs more CPU in all. Measured on a 2-core machine, an export at budget 1 used 22% less CPU
// and finished 20% sooner with it.
export const V8_FLAGS = ['--single-threaded-gc'];

/** `node <these>` starts the server on Node. */
export const NODE_SERVER_ARGS = [...V8_FLAGS, '--import', 'tsx', 'adapters/node.ts'];

/** `deno run <these> <permissions> adapters/deno.ts` starts it on Deno. */
export const DENO_V8_ARGS = [`--v8-flags=${V8_FLAGS.join(',')}`];
