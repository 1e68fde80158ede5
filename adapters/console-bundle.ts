// The console's browser code (core/http/console/browser/), type-checked TypeScript, bundled when the
// server starts into the script text each page inlines: one file per page, no build step to run and
// no file to serve.
import { fileURLToPath } from 'node:url';
import type { ConsoleScripts } from '../core/http/console/console-routes.tsx';
import { buildWithEsbuild } from './build-with-esbuild.ts';

const ENTRIES: Record<keyof ConsoleScripts, URL> = {
  console: new URL('../core/http/console/browser/console-entry.ts', import.meta.url),
  signIn: new URL('../core/http/console/browser/sign-in-entry.ts', import.meta.url),
};
// The language the inline script was written in before it was TypeScript: every current browser runs it.
const TARGET = 'es2020';

async function bundle(entry: URL): Promise<string> {
  const result = await buildWithEsbuild({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: TARGET,
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = result.outputFiles[0].text;
  // The text goes inside a <script> element, which the first "</script" would end.
  if (/<\/script/i.test(text)) throw new Error(`Cannot inline ${entry.pathname}: its bundle contains "</script"`);
  return text;
}

export async function bundleConsole(): Promise<ConsoleScripts> {
  const [console, signIn] = await Promise.all([bundle(ENTRIES.console), bundle(ENTRIES.signIn)]);
  return { console, signIn };
}
