// parseConfig: every setting of SPEC section 1, its default, valid forms and invalid ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';

const parse = (env: Record<string, string | undefined>) => parseConfig(env, { nodeId: 'host-a' });

test('with nothing set every setting takes its documented default', () => {
  assert.deepEqual(parse({}), {
    databaseUrl: null,
    pipelineHome: './sluice-home',
    baseUrl: 'http://localhost:8090',
    port: 8090,
    host: '127.0.0.1',
    nodeId: 'host-a',
    tokens: [],
    tokensFile: null,
    impactBudget: 0.05,
    fixedShare: null,
    autoResume: false,
    lineBreak: { preserve: false, escape: '\\n' },
    minFreeDiskBytes: 5 * 1024 ** 3,
    sourceTimezone: 'UTC',
    sourceProduct: null,
    indexJournalFile: null,
  });
});

test('every setting is read from its variable', () => {
  const config = parse({
    DATABASE_URL: 'postgres://confluence@db.internal:5432/confluence',
    PIPELINE_HOME: '/var/atlassian/shared',
    BASE_URL: 'https://wiki.example.com/confluence/',
    PORT: '9000',
    HOST: '0.0.0.0',
    NODE_ID: 'node2',
    SLUICE_TOKENS: 'one, two ,,three',
    SLUICE_TOKENS_FILE: '/etc/sluice/tokens',
    SLUICE_IMPACT_BUDGET: '1',
    SLUICE_FIXED_SHARE: '0.03',
    SLUICE_AUTO_RESUME: 'true',
    SLUICE_LINE_BREAK_PRESERVE: 'true',
    SLUICE_LINE_BREAK_ESCAPE: '<br>',
    SLUICE_MIN_FREE_DISK: '500MB',
    SOURCE_TIMEZONE: 'Europe/Berlin',
    SOURCE_PRODUCT: 'jira',
    INDEX_JOURNAL_FILE: '/var/confluence/journal/main_index',
  });
  assert.deepEqual(config, {
    databaseUrl: 'postgres://confluence@db.internal:5432/confluence',
    pipelineHome: '/var/atlassian/shared',
    baseUrl: 'https://wiki.example.com/confluence',
    port: 9000,
    host: '0.0.0.0',
    nodeId: 'node2',
    tokens: ['one', 'two', 'three'],
    tokensFile: '/etc/sluice/tokens',
    impactBudget: 1,
    fixedShare: 0.03,
    autoResume: true,
    lineBreak: { preserve: true, escape: '<br>' },
    minFreeDiskBytes: 500 * 1024 ** 2,
    sourceTimezone: 'Europe/Berlin',
    sourceProduct: 'jira',
    indexJournalFile: '/var/confluence/journal/main_index',
  });
});

const validForms: [string, string, (c: ReturnType<typeof parse>) => unknown, unknown][] = [
  ['DATABASE_URL', 'mysql://root:pw@127.0.0.1:3306/confluence', (c) => c.databaseUrl, 'mysql://root:pw@127.0.0.1:3306/confluence'],
  ['DATABASE_URL', 'mariadb://root@localhost/confluence', (c) => c.databaseUrl, 'mariadb://root@localhost/confluence'],
  ['DATABASE_URL', 'postgresql://u@h/db', (c) => c.databaseUrl, 'postgresql://u@h/db'],
  ['BASE_URL', 'http://wiki:8090', (c) => c.baseUrl, 'http://wiki:8090'],
  ['PORT', '0', (c) => c.port, 0],
  ['PORT', '65535', (c) => c.port, 65535],
  ['SLUICE_IMPACT_BUDGET', '0.001', (c) => c.impactBudget, 0.001],
  ['SLUICE_IMPACT_BUDGET', '0.5', (c) => c.impactBudget, 0.5],
  ['SLUICE_IMPACT_BUDGET', '1.0', (c) => c.impactBudget, 1],
  ['SLUICE_FIXED_SHARE', '0.025', (c) => c.fixedShare, 0.025],
  ['SLUICE_FIXED_SHARE', '1', (c) => c.fixedShare, 1],
  ['SLUICE_MIN_FREE_DISK', '0', (c) => c.minFreeDiskBytes, 0],
  ['SLUICE_MIN_FREE_DISK', '1024', (c) => c.minFreeDiskBytes, 1024],
  ['SLUICE_MIN_FREE_DISK', '10KB', (c) => c.minFreeDiskBytes, 10 * 1024],
  ['SLUICE_MIN_FREE_DISK', '1.5GB', (c) => c.minFreeDiskBytes, 1.5 * 1024 ** 3],
  ['SLUICE_MIN_FREE_DISK', '2 tb', (c) => c.minFreeDiskBytes, 2 * 1024 ** 4],
  ['SLUICE_LINE_BREAK_PRESERVE', 'false', (c) => c.lineBreak.preserve, false],
  ['SLUICE_LINE_BREAK_ESCAPE', ' ', (c) => c.lineBreak.escape, ' '],
  ['SOURCE_TIMEZONE', 'Australia/Sydney', (c) => c.sourceTimezone, 'Australia/Sydney'],
  ['SOURCE_PRODUCT', 'confluence', (c) => c.sourceProduct, 'confluence'],
];

for (const [name, raw, pick, expected] of validForms) {
  test(`${name}=${JSON.stringify(raw)} is accepted`, () => {
    assert.deepEqual(pick(parse({ [name]: raw })), expected);
  });
}

const invalid: [string, string][] = [
  ['DATABASE_URL', 'jdbc:mysql://localhost/confluence'],
  ['DATABASE_URL', 'mysql://localhost'],
  ['DATABASE_URL', 'oracle://u@h/db'],
  ['PIPELINE_HOME', '   '],
  ['BASE_URL', 'wiki.example.com'],
  ['BASE_URL', 'ftp://wiki.example.com'],
  ['BASE_URL', 'https://wiki.example.com/a b'],
  ['PORT', 'http'],
  ['PORT', '65536'],
  ['PORT', '-1'],
  ['PORT', '80.5'],
  ['HOST', ' '],
  ['NODE_ID', '  '],
  ['SLUICE_TOKENS_FILE', ' '],
  ['SLUICE_IMPACT_BUDGET', '0'],
  ['SLUICE_IMPACT_BUDGET', '1.5'],
  ['SLUICE_IMPACT_BUDGET', '5%'],
  ['SLUICE_IMPACT_BUDGET', '-0.1'],
  ['SLUICE_FIXED_SHARE', '0'],
  ['SLUICE_FIXED_SHARE', '2'],
  ['SLUICE_FIXED_SHARE', 'half'],
  ['SLUICE_AUTO_RESUME', 'yes'],
  ['SLUICE_AUTO_RESUME', 'TRUE'],
  ['SLUICE_AUTO_RESUME', '1'],
  ['SLUICE_LINE_BREAK_PRESERVE', 'yes'],
  ['SLUICE_LINE_BREAK_PRESERVE', 'TRUE'],
  ['SLUICE_LINE_BREAK_ESCAPE', 'a\nb'],
  ['SLUICE_LINE_BREAK_ESCAPE', '\r'],
  ['SLUICE_MIN_FREE_DISK', 'lots'],
  ['SLUICE_MIN_FREE_DISK', '-5GB'],
  ['SLUICE_MIN_FREE_DISK', '5PB'],
  ['SOURCE_TIMEZONE', 'Mars/Olympus_Mons'],
  ['SOURCE_TIMEZONE', 'CEST+2'],
  ['SOURCE_PRODUCT', 'bitbucket'],
  ['SOURCE_PRODUCT', 'Jira'],
  ['INDEX_JOURNAL_FILE', ' '],
];

for (const [name, raw] of invalid) {
  test(`${name}=${JSON.stringify(raw)} stops start-up with an error naming ${name}`, () => {
    assert.throws(
      () => parse({ [name]: raw }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, 'a ConfigError');
        assert.equal(error.setting, name);
        assert.ok(error.message.startsWith(`${name}: `), error.message);
        assert.doesNotMatch(error.message, /[\r\n]/, 'one line');
        return true;
      },
    );
  });
}

test('an empty variable counts as unset', () => {
  assert.equal(parse({ PORT: '', SLUICE_IMPACT_BUDGET: '' }).port, 8090);
  assert.equal(parse({ SLUICE_IMPACT_BUDGET: '' }).impactBudget, 0.05);
});

test('tokens are split on commas and line breaks, blank and # entries dropped', () => {
  assert.deepEqual(parse({ SLUICE_TOKENS: 'a,\nb\n# note\n, c' }).tokens, ['a', 'b', 'c']);
});

test('a malformed DATABASE_URL is reported without its password', () => {
  for (const raw of ['jdbc:mysql://root:s3cret-pw@db/confluence', 'mysql:/root:s3cret-pw@db/confluence', 'mysql://root:s3cret-pw@db']) {
    assert.throws(
      () => parse({ DATABASE_URL: raw }),
      (error: Error) => {
        assert.match(error.message, /^DATABASE_URL: /);
        assert.doesNotMatch(error.message, /s3cret-pw/);
        return true;
      },
    );
  }
});
