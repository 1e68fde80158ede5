// The import graph's rules (npm run check): no cycles, and folders import downwards only.
// Layers, top to bottom: adapters/ (entry points, wiring, runners) → workers/ → adapters/sources/ →
// core/http → core/job → core/settings, core/pacing, core/entities → core/ (shared pieces).
const below = {
  'core/http': ['core/http', 'core/job', 'core/settings', 'core/pacing', 'core/entities', 'core/[^/]+\\.tsx?$'],
  'core/job': ['core/job', 'core/settings', 'core/pacing', 'core/entities', 'core/[^/]+\\.tsx?$'],
  'core/settings': ['core/settings', 'core/[^/]+\\.tsx?$'],
  'core/pacing': ['core/pacing', 'core/[^/]+\\.tsx?$'],
  'core/entities': ['core/entities', 'core/[^/]+\\.tsx?$'],
};

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'A cycle is a design bug', from: {}, to: { circular: true } },
    {
      name: 'core-is-runtime-neutral',
      severity: 'error',
      comment: 'core/ knows no runtime, driver, thread or adapter',
      from: { path: '^core/' },
      to: { path: '^(workers|adapters|bin|bench|test|node_modules/(mysql2|pg|piscina|@electric-sql))/|^node:', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'core-shared-pieces-import-no-feature',
      severity: 'error',
      comment: 'core/*.ts are the bottom layer',
      from: { path: '^core/[^/]+\\.tsx?$' },
      to: { path: '^core/[^/]+/' },
    },
    ...Object.entries(below).map(([folder, allowed]) => ({
      name: `${folder.replace('/', '-')}-imports-downwards`,
      severity: 'error',
      comment: `${folder} imports only from ${allowed.join(', ')}`,
      from: { path: `^${folder}/` },
      to: { path: '^core/', pathNot: allowed.map((a) => `^${a}`) },
    })),
    {
      name: 'sources-below-workers',
      severity: 'error',
      comment: 'drivers know nothing of the threads or the wiring above them',
      from: { path: '^adapters/sources/' },
      to: { path: '^(workers|adapters)/', pathNot: '^adapters/sources/' },
    },
    {
      name: 'console-browser-code-is-self-contained',
      severity: 'error',
      comment: 'the console bundle runs in the browser: it takes only its own modules and the shared endpoints',
      from: { path: '^core/http/console/browser/' },
      to: { pathNot: '^core/http/(console/browser/|endpoints\\.ts$)' },
    },
    {
      name: 'workers-below-adapters',
      severity: 'error',
      comment: 'thread code uses drivers, never the wiring that starts it',
      from: { path: '^workers/' },
      to: { path: '^adapters/', pathNot: '^adapters/sources/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|test|bench)/' },
  },
};
