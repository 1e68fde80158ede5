/**
 * What the five Confluence CSV files must hold for a fixture, computed from SPEC section 6 in plain
 * TypeScript: no code from core/, workers/ or adapters/, and no entity decoder (bodies come decoded
 * from the fixture's hand-written segments).
 */
import type { Cell, ConfluenceFixture, Row } from '../fixtures/confluence-fixture.ts';

export type ConfluenceEntity = 'users' | 'spaces' | 'pages' | 'comments' | 'analytics_events';

export interface ExpectedOptions {
  baseUrl: string;
  fromDate: Date;
  /** IANA zone the datetime columns were written in (SOURCE_TIMEZONE). */
  timezone: string;
  lineBreak: { preserve: boolean; escape: string };
  optedOutSpaceKeys?: string[];
}

export const CONFLUENCE_COLUMNS: Record<ConfluenceEntity, readonly string[]> = {
  users: ['instance_url', 'user_id', 'user_name', 'user_fullname', 'user_email'],
  spaces: [
    'space_key',
    'instance_url',
    'space_url',
    'homepage_url',
    'space_name',
    'space_type',
    'space_status',
    'creator_id',
    'last_modifier_id',
    'created_date',
    'updated_date',
  ],
  pages: [
    'page_id',
    'instance_url',
    'space_key',
    'page_url',
    'page_type',
    'page_title',
    'page_status',
    'page_content',
    'page_parent_id',
    'labels',
    'page_version',
    'creator_id',
    'last_modifier_id',
    'created_date',
    'updated_date',
    'last_update_description',
  ],
  comments: [
    'comment_id',
    'instance_url',
    'comment_url',
    'page_id',
    'parent_comment_id',
    'comment_content',
    'creator_id',
    'last_modifier_id',
    'created_date',
    'updated_date',
  ],
  analytics_events: ['instance_url', 'event_id', 'event_name', 'created_date', 'event_author_id', 'event_space_key', 'event_container_id', 'event_content_id'],
};

/** Per file: the header row, then the data rows in file order, each cell as its exact text. */
export function expectedConfluenceRows(fixture: ConfluenceFixture, options: ExpectedOptions): Record<ConfluenceEntity, string[][]> {
  const ctx = createContext(fixture, options);
  const data: Record<ConfluenceEntity, Cell[][]> = {
    users: expectedUsers(ctx),
    spaces: expectedSpaces(ctx),
    pages: expectedPages(ctx),
    comments: expectedComments(ctx),
    analytics_events: expectedEvents(ctx),
  };
  const files = {} as Record<ConfluenceEntity, string[][]>;
  for (const entity of Object.keys(data) as ConfluenceEntity[]) {
    const rows = data[entity].map((row) => row.map((cell) => finishCell(cell, options.lineBreak)));
    files[entity] = [[...CONFLUENCE_COLUMNS[entity]], ...rows];
  }
  return files;
}

function finishCell(value: Cell, lineBreak: ExpectedOptions['lineBreak']): string {
  const text = value === null ? '' : String(value);
  // A replacer function, so an escape string like '$&' is taken literally.
  return lineBreak.preserve ? text : text.replace(/\r\n|\r|\n/g, () => lineBreak.escape);
}

// ---------------------------------------------------------------------------------------------
// Shared lookups.

interface Context {
  fixture: ConfluenceFixture;
  base: string;
  sinceMs: number;
  isSelected(local: Cell): boolean;
  isOptedOut(spaceKey: string | null | undefined): boolean;
  date(local: Cell): string | null;
  spaceKeyOf(spaceId: Cell): string | null;
  contentById: Map<string, Row>;
  bodyOf(contentId: Cell): string | null;
  labelsOf(contentId: Cell): string | null;
}

function createContext(fixture: ConfluenceFixture, options: ExpectedOptions): Context {
  const since = options.fromDate.getTime();
  const optedOut = new Set(options.optedOutSpaceKeys ?? []);
  const spaceKeys = new Map(fixture.SPACES.map((s) => [String(s.SPACEID), String(s.SPACEKEY)]));
  const bodies = chooseBodies(fixture);
  const labels = labelsByContent(fixture);
  const toMs = (local: Cell): number | null => (local === null ? null : localDateTimeToEpochMs(String(local), options.timezone));
  return {
    fixture,
    base: options.baseUrl,
    sinceMs: since,
    isSelected: (local) => {
      const ms = toMs(local);
      return ms !== null && ms >= since;
    },
    isOptedOut: (key) => key !== null && key !== undefined && optedOut.has(key),
    date: (local) => {
      const ms = toMs(local);
      return ms === null ? null : new Date(ms).toISOString();
    },
    spaceKeyOf: (spaceId) => (spaceId === null ? null : (spaceKeys.get(String(spaceId)) ?? null)),
    contentById: new Map(fixture.CONTENT.map((c) => [String(c.CONTENTID), c])),
    bodyOf: (id) => bodies.get(String(id)) ?? null,
    labelsOf: (id) => labels.get(String(id)) ?? null,
  };
}

/** Per content id, the decoded text of its body: BODYTYPEID 2 first, then the lowest BODYCONTENTID. */
function chooseBodies(fixture: ConfluenceFixture): Map<string, string> {
  const best = new Map<string, Row>();
  const rank = (row: Row): [number, bigint] => [row.BODYTYPEID === 2 ? 0 : 1, BigInt(String(row.BODYCONTENTID))];
  for (const row of fixture.BODYCONTENT) {
    if (row.CONTENTID === null) continue;
    const key = String(row.CONTENTID);
    const current = best.get(key);
    if (current === undefined || compareRank(rank(row), rank(current)) < 0) best.set(key, row);
  }
  const chosen = new Map<string, string>();
  for (const [contentId, row] of best) {
    const decoded = fixture.decodedBodies.get(String(row.BODYCONTENTID));
    if (decoded === undefined) throw new Error(`Cannot find the decoded body of BODYCONTENT ${row.BODYCONTENTID}`);
    chosen.set(contentId, decoded);
  }
  return chosen;
}

function compareRank(a: [number, bigint], b: [number, bigint]): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Per content id, the label JSON: global names plain, others `ns:name`, sorted by code point. */
function labelsByContent(fixture: ConfluenceFixture): Map<string, string> {
  const labelById = new Map(fixture.LABEL.map((l) => [String(l.LABELID), l]));
  const names = new Map<string, string[]>();
  for (const link of fixture.CONTENT_LABEL) {
    const label = labelById.get(String(link.LABELID));
    if (link.CONTENTID === null || label === undefined) continue;
    const name = label.NAMESPACE === 'global' ? String(label.NAME) : `${label.NAMESPACE}:${label.NAME}`;
    const key = String(link.CONTENTID);
    names.set(key, [...(names.get(key) ?? []), name]);
  }
  return new Map([...names].map(([id, list]) => [id, JSON.stringify(list.sort(compareCodePoints))]));
}

/** Code-point order, which is UTF-8 byte order and what utf8mb4_bin sorts by (not UTF-16 order). */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function byBigInt(column: string): (a: Row, b: Row) => number {
  return (a, b) => {
    const x = BigInt(String(a[column]));
    const y = BigInt(String(b[column]));
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

const pageUrl = (ctx: Context, id: Cell): string => `${ctx.base}/pages/viewpage.action?pageId=${id}`;

// ---------------------------------------------------------------------------------------------
// The five files.

function expectedUsers(ctx: Context): Cell[][] {
  const { fixture } = ctx;
  const activeDirectories = new Set(fixture.cwd_directory.filter((d) => d.active === 'T').map((d) => String(d.id)));
  const chosen = new Map<string, Row>();
  for (const user of fixture.cwd_user) {
    if (!activeDirectories.has(String(user.directory_id))) continue;
    const key = String(user.lower_user_name);
    const current = chosen.get(key);
    if (current === undefined || BigInt(String(user.directory_id)) < BigInt(String(current.directory_id))) chosen.set(key, user);
  }
  return [...fixture.user_mapping]
    .sort((a, b) => compareCodePoints(String(a.user_key), String(b.user_key)))
    .flatMap((mapping) => {
      const user = mapping.lower_username === null ? undefined : chosen.get(String(mapping.lower_username));
      if (user === undefined || !ctx.isSelected(user.updated_date)) return [];
      return [[ctx.base, mapping.user_key, mapping.username, user.display_name, user.email_address]];
    });
}

function expectedSpaces(ctx: Context): Cell[][] {
  return [...ctx.fixture.SPACES]
    .sort(byBigInt('SPACEID'))
    .filter((s) => ctx.isSelected(s.LASTMODDATE) && !ctx.isOptedOut(String(s.SPACEKEY)))
    .map((s) => [
      s.SPACEKEY,
      ctx.base,
      `${ctx.base}/display/${s.SPACEKEY}`,
      s.HOMEPAGE === null ? null : pageUrl(ctx, s.HOMEPAGE),
      s.SPACENAME,
      s.SPACETYPE,
      s.SPACESTATUS === null ? null : String(s.SPACESTATUS).toLowerCase(),
      s.CREATOR,
      s.LASTMODIFIER,
      ctx.date(s.CREATIONDATE),
      ctx.date(s.LASTMODDATE),
    ]);
}

function expectedPages(ctx: Context): Cell[][] {
  const isPage = (c: Row): boolean => (c.CONTENTTYPE === 'PAGE' || c.CONTENTTYPE === 'BLOGPOST') && c.PREVVER === null;
  return [...ctx.fixture.CONTENT]
    .sort(byBigInt('CONTENTID'))
    .filter((c) => isPage(c) && ctx.isSelected(c.LASTMODDATE) && !ctx.isOptedOut(ctx.spaceKeyOf(c.SPACEID)))
    .map((c) => [
      c.CONTENTID,
      ctx.base,
      ctx.spaceKeyOf(c.SPACEID),
      pageUrl(ctx, c.CONTENTID),
      String(c.CONTENTTYPE).toLowerCase(),
      c.TITLE,
      c.CONTENT_STATUS,
      ctx.bodyOf(c.CONTENTID),
      c.CONTENTTYPE === 'BLOGPOST' ? null : c.PARENTID,
      ctx.labelsOf(c.CONTENTID),
      c.VERSION,
      c.CREATOR,
      c.LASTMODIFIER,
      ctx.date(c.CREATIONDATE),
      ctx.date(c.LASTMODDATE),
      c.VERSIONCOMMENT,
    ]);
}

function expectedComments(ctx: Context): Cell[][] {
  const pageSpaceKey = (pageId: Cell): string | null => {
    const page = pageId === null ? undefined : ctx.contentById.get(String(pageId));
    return page === undefined ? null : ctx.spaceKeyOf(page.SPACEID);
  };
  const commentUrl = (c: Row): string | null => (c.PAGEID === null ? null : `${pageUrl(ctx, c.PAGEID)}&focusedCommentId=${c.CONTENTID}#comment-${c.CONTENTID}`);
  return [...ctx.fixture.CONTENT]
    .sort(byBigInt('CONTENTID'))
    .filter((c) => c.CONTENTTYPE === 'COMMENT' && c.PREVVER === null)
    .filter((c) => ctx.isSelected(c.LASTMODDATE) && !ctx.isOptedOut(pageSpaceKey(c.PAGEID)))
    .map((c) => [
      c.CONTENTID,
      ctx.base,
      commentUrl(c),
      c.PAGEID,
      c.PARENTCOMMENTID,
      ctx.bodyOf(c.CONTENTID),
      c.CREATOR,
      c.LASTMODIFIER,
      ctx.date(c.CREATIONDATE),
      ctx.date(c.LASTMODDATE),
    ]);
}

function expectedEvents(ctx: Context): Cell[][] {
  return [...ctx.fixture.AO_7B47A5_EVENT]
    .sort(byBigInt('ID'))
    .filter((e) => Number(e.EVENT_AT) >= ctx.sinceMs && !ctx.isOptedOut(e.SPACE_KEY === null ? null : String(e.SPACE_KEY)))
    .map((e) => [ctx.base, e.ID, e.NAME, new Date(Number(e.EVENT_AT)).toISOString(), e.USER_KEY, e.SPACE_KEY, e.CONTAINER_ID, e.CONTENT_ID]);
}

// ---------------------------------------------------------------------------------------------
// Zoned local time → instant, with Intl only.

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time in `timeZone` at `epochMs`, as naive fields held in a UTC ms value. */
function wallClock(epochMs: number, timeZone: string): number {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(epochMs)).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

const offsetAt = (epochMs: number, timeZone: string): number => wallClock(epochMs, timeZone) - epochMs;

/**
 * Reads a MySQL datetime written in `timeZone`. An ambiguous time (DST overlap) takes the earlier
 * instant and a skipped one (DST gap) moves forward by the gap, as java.time and Temporal's
 * "compatible" disambiguation do, since Confluence's own JVM reads them that way.
 */
export function localDateTimeToEpochMs(text: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  if (m === null) throw new Error(`Cannot parse datetime "${text}": expected YYYY-MM-DD HH:MM:SS`);
  const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const before = offsetAt(local - DAY_MS, timeZone);
  const after = offsetAt(local + DAY_MS, timeZone);
  const candidates = [local - before, local - after].filter((instant) => wallClock(instant, timeZone) === local);
  const instant = candidates.length > 0 ? Math.min(...candidates) : local - before;
  return instant + millis;
}
