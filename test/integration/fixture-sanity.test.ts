import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFLUENCE_PRIMARY_KEYS, CONFLUENCE_TABLES, generateConfluenceFixture } from '../fixtures/confluence-fixture.ts';
import type { Row } from '../fixtures/confluence-fixture.ts';
import { compareCodePoints, expectedConfluenceRows, localDateTimeToEpochMs } from '../helpers/expected-confluence.ts';
import type { ConfluenceEntity, ExpectedOptions } from '../helpers/expected-confluence.ts';
import { createMysqlTestDatabase, loadFixtureMysql } from '../helpers/test-db.ts';
import type { MysqlTestDatabase } from '../helpers/test-db.ts';

const SCHEMA_FILE = fileURLToPath(new URL('../fixtures/confluence-mysql.sql', import.meta.url));
const BASE = 'https://wiki.example.com/confluence';
const fixture = generateConfluenceFixture();
const { planted } = fixture;

/** Fixture rows in primary-key order: numeric for bigint keys, code-point order for user_key. */
function sortedByKey(rows: Row[], key: string): Row[] {
  const numeric = key !== 'user_key';
  return [...rows].sort((a, b) => {
    if (!numeric) return compareCodePoints(String(a[key]), String(b[key]));
    const [x, y] = [BigInt(String(a[key])), BigInt(String(b[key]))];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

describe('the Confluence fixture loaded into MariaDB', () => {
  let db: MysqlTestDatabase | undefined;
  const query = async (sql: string, params: unknown[] = []): Promise<Row[]> => {
    const [rows] = await db!.pool.query(sql, params);
    return (rows as Row[]).map((row) => ({ ...row }));
  };

  before(async () => {
    db = await createMysqlTestDatabase(SCHEMA_FILE);
    await loadFixtureMysql(db.pool, fixture);
  });
  after(async () => {
    await db?.drop();
  });

  test('every table holds as many rows as the fixture', async () => {
    for (const table of CONFLUENCE_TABLES) {
      const [{ n }] = await query(`SELECT COUNT(*) AS n FROM \`${table}\``);
      assert.equal(Number(n), fixture[table].length, table);
    }
  });

  test('every row reads back exactly as generated, in the order the helpers sort keys', async () => {
    for (const table of CONFLUENCE_TABLES) {
      const key = CONFLUENCE_PRIMARY_KEYS[table];
      const stored = await query(`SELECT * FROM \`${table}\` ORDER BY \`${key}\``);
      assert.deepStrictEqual(stored, sortedByKey(fixture[table], key), table);
    }
  });

  test('a body over 1 MB round-trips exactly', async () => {
    const [row] = await query('SELECT BODY, LENGTH(BODY) AS bytes FROM BODYCONTENT WHERE BODYCONTENTID = ?', [planted.hugeBodyId]);
    const generated = fixture.BODYCONTENT.find((b) => b.BODYCONTENTID === planted.hugeBodyId)!;
    assert.ok(Number(row.bytes) > 1_048_576, `body is ${row.bytes} bytes`);
    assert.equal(row.BODY, generated.BODY);
  });

  test('ids above 2^53 round-trip exactly as strings', async () => {
    const [comment] = await query('SELECT CONTENTID, PAGEID FROM CONTENT WHERE CONTENTID = ?', ['9007199254740995']);
    assert.deepStrictEqual(comment, { CONTENTID: '9007199254740995', PAGEID: '9007199254740993' });
    const [event] = await query('SELECT ID, CONTENT_ID, CONTAINER_ID FROM AO_7B47A5_EVENT WHERE ID = ?', [planted.events.bigId]);
    assert.deepStrictEqual(event, { ID: '9007199254740993', CONTENT_ID: '9007199254740993', CONTAINER_ID: '9007199254740999' });
  });
});

describe('expectedConfluenceRows on the planted cases', () => {
  const expectedIn = (timezone: string, extra: Partial<ExpectedOptions> = {}) =>
    expectedConfluenceRows(fixture, {
      baseUrl: BASE,
      timezone,
      fromDate: new Date(localDateTimeToEpochMs(fixture.boundaryLocal, timezone)),
      lineBreak: { preserve: false, escape: '\\n' },
      ...extra,
    });
  const utc = expectedIn('UTC');
  /** The data rows of a file as objects keyed by column, found by their first-column-ish id. */
  const rowsOf = (files: Record<ConfluenceEntity, string[][]>, entity: ConfluenceEntity): Array<Record<string, string>> => {
    const [header, ...rows] = files[entity];
    return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
  };
  const find = (entity: ConfluenceEntity, column: string, value: string, files = utc) => rowsOf(files, entity).find((row) => row[column] === value);
  const idsIn = (entity: ConfluenceEntity, column: string, files = utc) => rowsOf(files, entity).map((row) => row[column]);

  test('users: a deactivated user is exported, keys without an active-directory row are not', () => {
    const users = idsIn('users', 'user_id');
    for (const key of [planted.users.deactivated, planted.users.corporateOnly, planted.users.admin]) assert.ok(users.includes(key), key);
    const absent = [planted.users.inactiveDirectoryOnly, planted.users.noCwdUser, planted.users.missingDirectory, planted.users.nullLowerUsername];
    for (const key of absent) assert.ok(!users.includes(key), key);
  });

  test('users: the active directory with the lowest id supplies the values and the date', () => {
    assert.equal(find('users', 'user_id', planted.users.activeDirectoryWins)?.user_fullname, 'Current name');
    assert.equal(find('users', 'user_id', planted.users.lowestActiveDirectory)?.user_fullname, 'Internal copy');
    assert.equal(find('users', 'user_id', planted.users.chosenRowTooOld), undefined);
    assert.equal(find('users', 'user_id', planted.users.mixedCase)?.user_name, 'JSmith');
  });

  test('users are ordered by user_key in code-point order, upper case first', () => {
    const users = idsIn('users', 'user_id');
    assert.ok(users.indexOf('JSmith') < users.indexOf('admin'));
    assert.ok(users.indexOf('\uFF3Aoe') < users.indexOf('\u{1D49C}da'), 'U+FF3A sorts before U+1D49C');
  });

  test('spaces: homepage urls, personal and archived spaces', () => {
    assert.equal(find('spaces', 'space_key', 'NOHOME')?.homepage_url, '');
    assert.equal(find('spaces', 'space_key', 'DANGLE')?.homepage_url, `${BASE}/pages/viewpage.action?pageId=77777777`);
    assert.equal(find('spaces', 'space_key', 'BIG')?.homepage_url, `${BASE}/pages/viewpage.action?pageId=9007199254740993`);
    assert.deepEqual(find('spaces', 'space_key', '~jsmith')?.space_type, 'personal');
    assert.equal(find('spaces', 'space_key', '~jsmith')?.space_url, `${BASE}/display/~jsmith`);
    assert.equal(find('spaces', 'space_key', 'ARCH')?.space_status, 'archived');
    assert.equal(idsIn('spaces', 'space_key')[0], 'TINY', 'SPACEID 3 comes first');
  });

  test('pages: only live pages and blog posts are exported, in any status', () => {
    const pages = idsIn('pages', 'page_id');
    const p = planted.pages;
    assert.equal(find('pages', 'page_id', p.neverPublishedDraft)?.page_status, 'draft');
    assert.equal(find('pages', 'page_id', p.trashed)?.page_status, 'deleted');
    const absent = [p.homeHistoryV1, p.unpublishedChange, planted.otherContent.attachment, planted.otherContent.custom, planted.comments.top];
    for (const id of absent) assert.ok(!pages.includes(id), id);
    const spaceDescriptions = fixture.CONTENT.filter((c) => c.CONTENTTYPE === 'SPACEDESCRIPTION').map((c) => String(c.CONTENTID));
    assert.ok(spaceDescriptions.every((id) => !pages.includes(id)));
    assert.equal(find('pages', 'page_id', p.home)?.page_version, '3');
  });

  test('pages: blog posts never have a parent, pages keep PARENTID even when it dangles', () => {
    assert.equal(find('pages', 'page_id', planted.pages.blogWithParent)?.page_parent_id, '');
    assert.equal(find('pages', 'page_id', planted.pages.blogWithParent)?.page_type, 'blogpost');
    assert.equal(find('pages', 'page_id', planted.pages.child)?.page_parent_id, planted.pages.home);
    assert.equal(find('pages', 'page_id', planted.pages.home)?.page_parent_id, '');
    assert.equal(find('pages', 'page_id', planted.pages.danglingParent)?.page_parent_id, '88888888');
    assert.equal(find('pages', 'page_id', planted.pages.missingSpace)?.space_key, '');
  });

  test('pages: labels are sorted by code point, namespaced unless global', () => {
    const labels = [
      'Alpha',
      'alpha',
      'back\\slash',
      'draft',
      'my:draft',
      'say"hi',
      'system:hidden',
      'team:draft',
      'zeta',
      '\u00FCber',
      '\uFF46\uFF55\uFF4C\uFF4C',
      '\u{1F600}smile',
    ];
    assert.equal(find('pages', 'page_id', planted.pages.home)?.labels, JSON.stringify(labels));
    assert.equal(find('pages', 'page_id', planted.pages.child)?.labels, '["team:only"]');
    assert.equal(find('pages', 'page_id', planted.pages.grandchild)?.labels, '');
  });

  test('pages: the storage body wins, then the lowest body id; no body is empty', () => {
    const p = planted.pages;
    for (const id of [p.storageInMiddle, p.storageLast, p.storageFirst, p.rawBeforeWiki, p.wikiBeforeRaw, p.twoStorage, p.nullTypeFirst]) {
      assert.equal(find('pages', 'page_id', id)?.page_content, '<p>chosen</p>', id);
    }
    for (const id of [p.nullStorage, p.noBody, p.emptyBody, p.nullBody]) assert.equal(find('pages', 'page_id', id)?.page_content, '', id);
    assert.ok(Buffer.byteLength(find('pages', 'page_id', p.huge)!.page_content) > 1_048_576);
  });

  test('pages: bodies carry the hand-decoded entities, titles stay raw', () => {
    const content = find('pages', 'page_id', planted.pages.entities)!.page_content;
    const decoded = [
      'fish & chips',
      'non\u00A0breaking',
      'don\u2019t',
      'smile \u{1F600}',
      'once &lt; &amp; &gt;',
      'unknown &foo; and &Amp; stay',
      'no semicolon &amp and &copy stay',
      'decoded line\\nfeed',
      'separator\u2028is',
    ];
    for (const text of decoded) assert.ok(content.includes(text), text);
    assert.ok(find('pages', 'page_id', planted.pages.trickyText)!.page_title.includes('&amp; not decoded'));
  });

  test('pages and comments are in numeric id order, with ids above 2^53 last', () => {
    const pages = idsIn('pages', 'page_id');
    assert.equal(pages[0], '7');
    assert.equal(pages.at(-1), '9007199254740993');
    assert.equal(idsIn('comments', 'comment_id').at(-1), '9007199254740995');
  });

  test('rows on the fromDate boundary are exported and rows a second earlier or with no date are not', () => {
    const has = (entity: ConfluenceEntity, column: string, id: string, files = utc) => idsIn(entity, column, files).includes(id);
    const cases: Array<[ConfluenceEntity, string, Record<string, string>]> = [
      ['pages', 'page_id', planted.pages],
      ['comments', 'comment_id', planted.comments],
      ['users', 'user_id', planted.users],
    ];
    for (const [entity, column, ids] of cases) {
      assert.ok(has(entity, column, ids.atBoundary), `${entity} at boundary`);
      assert.ok(!has(entity, column, ids.justBefore), `${entity} just before`);
      if (ids.nullDate) assert.ok(!has(entity, column, ids.nullDate), `${entity} with NULL date`);
    }
    assert.ok(has('spaces', 'space_key', 'EDGE') && !has('spaces', 'space_key', 'BEFORE') && !has('spaces', 'space_key', 'NODATE'));
    const events = idsIn('analytics_events', 'event_id');
    assert.ok(events.includes(planted.events.atBoundaryUtc));
    assert.ok(!events.includes(planted.events.secondBeforeUtc) && !events.includes(planted.events.milliBeforeUtc));
    const berlin = idsIn('analytics_events', 'event_id', expectedIn('Europe/Berlin'));
    assert.ok(berlin.includes(planted.events.atBoundaryBerlin) && !berlin.includes(planted.events.secondBeforeBerlin));
  });

  test('datetimes are read in the source zone, across a DST gap and overlap', () => {
    const berlin = expectedIn('Europe/Berlin');
    const dates = (files: typeof utc, id: string) => {
      const row = rowsOf(files, 'pages').find((r) => r.page_id === id)!;
      return [row.created_date, row.updated_date];
    };
    assert.deepEqual(dates(utc, planted.pages.dstOverlap), ['2024-10-27T02:59:59.000Z', '2024-10-27T02:30:00.000Z']);
    assert.deepEqual(dates(berlin, planted.pages.dstOverlap), ['2024-10-27T00:59:59.000Z', '2024-10-27T00:30:00.000Z']);
    assert.deepEqual(dates(berlin, planted.pages.dstGap), ['2024-03-31T01:00:00.000Z', '2024-03-31T01:30:00.000Z']);
    assert.deepEqual(dates(berlin, planted.pages.summer), ['2024-07-15T10:00:00.000Z', '2024-07-15T10:00:01.000Z']);
    assert.equal(find('pages', 'page_id', planted.pages.nullTexts)?.created_date, '');
  });

  test('line breaks are escaped in every cell unless preserved, and nothing else is', () => {
    const cells = Object.values(utc).flatMap((rows) => rows.slice(1).flat());
    assert.ok(cells.every((cell) => !/[\r\n]/.test(cell)));
    assert.equal(find('users', 'user_id', planted.users.lineBreaks)?.user_fullname, 'lone\\ncr, lf\\nand crlf\\n');
    const literal = expectedIn('UTC', { lineBreak: { preserve: false, escape: '$&' } });
    assert.equal(rowsOf(literal, 'users').find((r) => r.user_id === planted.users.lineBreaks)?.user_fullname, 'lone$&cr, lf$&and crlf$&');
    const preserved = expectedIn('UTC', { lineBreak: { preserve: true, escape: '\\n' } });
    const title = rowsOf(preserved, 'pages').find((r) => r.page_id === planted.pages.trickyText)!.page_title;
    assert.ok(title.includes('"quotes"\r\nCRLF\nLF\rCR\ttab \u{1F389}\u2028'));
  });

  test('opted-out spaces drop their space, its pages, comments on its pages and its events', () => {
    const files = expectedIn('UTC', { optedOutSpaceKeys: ['OPT'] });
    assert.equal(
      rowsOf(files, 'spaces').find((r) => r.space_key === 'OPT'),
      undefined,
    );
    assert.ok(!idsIn('pages', 'page_id', files).includes(planted.pages.optedOut));
    const comments = idsIn('comments', 'comment_id', files);
    assert.ok(!comments.includes(planted.comments.onOptedOut) && !comments.includes(planted.comments.spaceIdKeptPageOptedOut));
    assert.ok(comments.includes(planted.comments.spaceIdOptedOutPageKept));
    assert.ok(rowsOf(files, 'analytics_events').every((r) => r.event_space_key !== 'OPT'));
    assert.ok(idsIn('analytics_events', 'event_id').includes(planted.events.optedOut), 'kept without opt-out');
  });

  test('comments: urls, replies and missing pages', () => {
    const c = planted.comments;
    assert.deepEqual([find('comments', 'comment_id', c.noPage)?.comment_url, find('comments', 'comment_id', c.noPage)?.page_id], ['', '']);
    assert.equal(
      find('comments', 'comment_id', c.onBigPage)?.comment_url,
      `${BASE}/pages/viewpage.action?pageId=9007199254740993&focusedCommentId=9007199254740995#comment-9007199254740995`,
    );
    assert.equal(
      find('comments', 'comment_id', c.onMissingPage)?.comment_url,
      `${BASE}/pages/viewpage.action?pageId=66666666&focusedCommentId=${c.onMissingPage}#comment-${c.onMissingPage}`,
    );
    assert.equal(find('comments', 'comment_id', c.replyToReply)?.parent_comment_id, c.reply);
    assert.equal(find('comments', 'comment_id', c.withBodies)?.comment_content, '<p>chosen</p>');
    const historical = fixture.CONTENT.filter((r) => r.PREVVER === c.top).map((r) => String(r.CONTENTID));
    assert.equal(historical.length, 2);
    assert.ok(historical.every((id) => !idsIn('comments', 'comment_id').includes(id)));
  });

  test('events: NULL keys are empty, ids above 2^53 exact, milliseconds kept', () => {
    const e = planted.events;
    assert.deepEqual(find('analytics_events', 'event_id', e.anonymous)?.event_author_id, '');
    assert.deepEqual(find('analytics_events', 'event_id', e.nullSpaceKey)?.event_space_key, '');
    assert.deepEqual(find('analytics_events', 'event_id', e.nullSpaceKey)?.event_content_id, '');
    assert.equal(find('analytics_events', 'event_id', e.emptySpaceKey)?.event_container_id, '0');
    assert.equal(find('analytics_events', 'event_id', e.bigId)?.event_content_id, '9007199254740993');
    assert.equal(find('analytics_events', 'event_id', e.millis)?.created_date, '2024-06-01T12:34:56.123Z');
    assert.equal(idsIn('analytics_events', 'event_id').at(-1), e.bigIdNext);
  });

  test('NULL and empty text both become empty cells, headers always come first', () => {
    for (const id of [planted.pages.nullTexts, planted.pages.emptyTexts]) {
      const row = find('pages', 'page_id', id)!;
      assert.deepEqual([row.page_title, row.creator_id, row.last_modifier_id, row.last_update_description, row.page_status], ['', '', '', '', '']);
    }
    assert.deepEqual(find('users', 'user_id', planted.users.nullNameEmptyEmail)?.user_fullname, '');
    assert.equal(find('spaces', 'space_key', 'NULLS')?.space_status, '');
    assert.equal(utc.pages[0][0], 'page_id');
    assert.equal(
      utc.analytics_events[0].join(','),
      'instance_url,event_id,event_name,created_date,event_author_id,event_space_key,event_container_id,event_content_id',
    );
  });
});
