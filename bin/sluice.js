#!/usr/bin/env node
// `npx sluice …`: loads tsx from this package, whatever the working directory, then runs the TypeScript CLI.
import { register } from 'tsx/esm/api';

register();
await import('./sluice.ts');
