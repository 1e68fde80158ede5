// Confluence's five files (SPEC section 6).
import { blockDateCell, dateCell, epochCell, viewPageUrl } from './cells.ts';
import { decodeEntities, HTML_REFERENCES } from './html-entities.ts';
import { labelName, sortedJsonArray } from './labels.ts';
import { recordsOf, type RecordOut } from '../csv.ts';
import { queryRows } from '../row-block.ts';
import { placeholders, requireTable, text, textOrBytes, type Cell, type Db, type DbRow, type RowBlock } from '../source.ts';
import { afterKey, lastKeyIn, lastKeyOf, limitClause, notIn, type EntityDef, type ProductDef, type ReadContext } from './entity.ts';
import { estimateCount } from './estimate.ts';

const users: EntityDef = {
  name: 'users',
  columns: () => ['instance_url', 'user_id', 'user_name', 'user_fullname', 'user_email'],
  async read(db, ctx, after, limit) {
    const [um, cu, cd] = ['user_mapping', 'cwd_user', 'cwd_directory'].map((t) => requireTable(db, t));
    const params: unknown[] = [];
    const keyset = afterKey('um.user_key', after, params);
    // The key page is read first and users are looked up for it, so a chunk's cost is bounded by its keys.
    const keys = await db.query(
      `SELECT um.user_key AS user_key, um.username AS username, um.lower_username AS lower_username
      FROM ${um} um WHERE 1=1${keyset} ORDER BY um.user_key${limitClause(limit)}`,
      params,
    );
    const names = [...new Set(keys.map((k) => k.lower_username).filter((n) => n !== null))];
    const chosen = new Map<string, DbRow>();
    if (names.length > 0) {
      const found = await db.query(
        `SELECT cu.lower_user_name AS lower_user_name, cu.display_name AS display_name,
          cu.email_address AS email_address, cu.updated_date AS updated_date, cu.directory_id AS directory_id
        FROM ${cu} cu JOIN ${cd} d ON d.id = cu.directory_id
        WHERE d.active = 'T' AND cu.lower_user_name IN (${placeholders(names.length)})`,
        names,
      );
      for (const row of found) {
        const name = String(row.lower_user_name);
        const current = chosen.get(name);
        if (!current || BigInt(String(row.directory_id)) < BigInt(String(current.directory_id))) chosen.set(name, row);
      }
    }
    const rows: Cell[][] = [];
    for (const key of keys) {
      const user = key.lower_username === null ? undefined : chosen.get(String(key.lower_username));
      if (!user || !isOnOrAfter(user.updated_date, ctx)) continue;
      rows.push([ctx.baseUrl, text(key.user_key), text(key.username), text(user.display_name), text(user.email_address)]);
    }
    return { rows, lastKey: lastKeyOf(keys, 'user_key'), scanned: keys.length };
  },
  estimate: (db) => estimateCount(db, 'user_mapping', ''),
};

function isOnOrAfter(value: unknown, ctx: ReadContext): boolean {
  const cell = dateCell(value, ctx.timezone);
  return cell !== null && Date.parse(cell) >= ctx.fromMs;
}

const spaces: EntityDef = {
  name: 'spaces',
  columns: () => [
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
  async read(db, ctx, after, limit) {
    const params: unknown[] = [ctx.fromLocal];
    const where = `s.LASTMODDATE >= ?${notIn('s.SPACEKEY', ctx.optedOut, params)}${afterKey('s.SPACEID', after, params)}`;
    const found = await db.query(
      `SELECT s.SPACEID AS id, s.SPACEKEY AS space_key, s.SPACENAME AS space_name,
        s.HOMEPAGE AS homepage, s.SPACETYPE AS space_type, s.SPACESTATUS AS space_status, s.CREATOR AS creator,
        s.LASTMODIFIER AS modifier, s.CREATIONDATE AS created, s.LASTMODDATE AS updated
      FROM ${requireTable(db, 'SPACES')} s WHERE ${where} ORDER BY s.SPACEID${limitClause(limit)}`,
      params,
    );
    const rows = found.map((s): Cell[] => {
      const key = text(s.space_key) ?? '';
      return [
        key,
        ctx.baseUrl,
        `${ctx.baseUrl}/display/${encodeURIComponent(key)}`,
        s.homepage === null ? null : viewPageUrl(ctx.baseUrl, s.homepage),
        text(s.space_name),
        text(s.space_type)?.toLowerCase() ?? null,
        text(s.space_status)?.toLowerCase() ?? null,
        text(s.creator),
        text(s.modifier),
        dateCell(s.created, ctx.timezone),
        dateCell(s.updated, ctx.timezone),
      ];
    });
    return { rows, lastKey: lastKeyOf(found, 'id'), scanned: found.length };
  },
  estimate: (db, ctx) => estimateCount(db, 'SPACES', 'LASTMODDATE >= ?', [ctx.fromLocal]),
};

/**
 * Each content id's body: storage format (type 2) first, then the lowest body id; references decoded once
 * (text now, bytes as they are written).
 * Read as row objects: mysql2 hands each body over as a view of the bytes it received, which a block would
 * copy (megabytes a chunk), and a body query's few cells a row cost little either way.
 */
async function bodiesOf(db: Db, ids: readonly string[]): Promise<Map<string, string | Uint8Array>> {
  const best = new Map<string, { type: number; id: bigint; body: string | Uint8Array }>();
  if (ids.length === 0) return new Map();
  const found = await db.query(
    `SELECT b.CONTENTID AS content_id, b.BODYCONTENTID AS id, b.BODYTYPEID AS type, b.BODY AS body
    FROM ${requireTable(db, 'BODYCONTENT')} b WHERE b.CONTENTID IN (${placeholders(ids.length)})`,
    ids,
    { bytes: ['body'] },
  );
  for (const row of found) {
    const candidate = { type: Number(row.type), id: BigInt(String(row.id)), body: textOrBytes(row.body) ?? '' };
    const key = String(row.content_id);
    const current = best.get(key);
    const better = !current || (candidate.type === 2) !== (current.type === 2) ? !current || candidate.type === 2 : candidate.id < current.id;
    if (better) best.set(key, candidate);
  }
  return new Map([...best].map(([key, { body }]) => [key, typeof body === 'string' ? decodeEntities(body) : body]));
}

/** A body as bytes has its references decoded as it is written; as text it was decoded when read. */
function writeBody(out: RecordOut, body: string | Uint8Array | undefined): void {
  if (body === undefined || typeof body === 'string') out.cell(body ?? null);
  else out.references(body, HTML_REFERENCES);
}

async function labelsOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const found = await db.query(
    `SELECT cl.CONTENTID AS content_id, l.NAME AS name, l.NAMESPACE AS namespace
    FROM ${requireTable(db, 'CONTENT_LABEL')} cl JOIN ${requireTable(db, 'LABEL')} l ON l.LABELID = cl.LABELID
    WHERE cl.CONTENTID IN (${placeholders(ids.length)})`,
    ids,
  );
  const names = new Map<string, Set<string>>();
  for (const row of found) {
    if (row.name === null) continue;
    const key = String(row.content_id);
    if (!names.has(key)) names.set(key, new Set());
    names.get(key)!.add(labelName(String(row.name), text(row.namespace)));
  }
  return new Map([...names].map(([key, set]) => [key, sortedJsonArray(set)!]));
}

const CONTENT_COLUMNS = `c.CONTENTID AS id, c.CONTENTTYPE AS type, c.TITLE AS title, c.CONTENT_STATUS AS status,
  c.PARENTID AS parent_id, c.VERSION AS version, c.CREATOR AS creator, c.LASTMODIFIER AS modifier,
  c.CREATIONDATE AS created, c.LASTMODDATE AS updated, c.VERSIONCOMMENT AS version_comment,
  c.PAGEID AS page_id, c.PARENTCOMMENTID AS parent_comment_id`;

/** The CONTENT_COLUMNS' indexes in a block. */
function contentColumns(block: RowBlock) {
  const at = (name: string) => block.column(name);
  return {
    id: at('id'),
    type: at('type'),
    title: at('title'),
    status: at('status'),
    parentId: at('parent_id'),
    version: at('version'),
    creator: at('creator'),
    modifier: at('modifier'),
    created: at('created'),
    updated: at('updated'),
    versionComment: at('version_comment'),
    pageId: at('page_id'),
    parentCommentId: at('parent_comment_id'),
  };
}

function idsOf(block: RowBlock, column: number): string[] {
  const ids: string[] = new Array(block.length);
  for (let r = 0; r < block.length; r++) ids[r] = block.text(r, column) ?? '';
  return ids;
}

const utf8 = new TextEncoder();

const pages: EntityDef = {
  name: 'pages',
  columns: () => [
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
  async read(db, ctx, after, limit) {
    const params: unknown[] = [ctx.fromLocal];
    const where =
      `c.CONTENTTYPE IN ('PAGE','BLOGPOST') AND c.PREVVER IS NULL AND c.LASTMODDATE >= ?` +
      notIn('s.SPACEKEY', ctx.optedOut, params) +
      afterKey('c.CONTENTID', after, params);
    const found = await queryRows(
      db,
      `SELECT ${CONTENT_COLUMNS}, s.SPACEKEY AS space_key
      FROM ${requireTable(db, 'CONTENT')} c LEFT JOIN ${requireTable(db, 'SPACES')} s ON s.SPACEID = c.SPACEID
      WHERE ${where} ORDER BY c.CONTENTID${limitClause(limit)}`,
      params,
    );
    const col = contentColumns(found);
    const spaceKey = found.column('space_key');
    const ids = idsOf(found, col.id);
    const [bodies, labels] = await Promise.all([bodiesOf(db, ids), labelsOf(db, ids)]);
    const baseUrl = utf8.encode(ctx.baseUrl);
    const rows = recordsOf(found.length, (out, r) => {
      const id = ids[r];
      const isPage = found.equals(r, col.type, 'PAGE');
      out.from(found, r, col.id);
      out.cell(baseUrl);
      out.from(found, r, spaceKey);
      out.cell(viewPageUrl(ctx.baseUrl, id));
      out.plain(isPage ? 'page' : 'blogpost');
      out.from(found, r, col.title);
      out.from(found, r, col.status);
      writeBody(out, bodies.get(id));
      if (isPage) out.from(found, r, col.parentId);
      else out.cell(null);
      out.cell(labels.get(id) ?? null);
      out.from(found, r, col.version);
      out.from(found, r, col.creator);
      out.from(found, r, col.modifier);
      out.plain(blockDateCell(found, r, col.created, ctx.timezone));
      out.plain(blockDateCell(found, r, col.updated, ctx.timezone));
      out.from(found, r, col.versionComment);
    });
    return { rows, lastKey: lastKeyIn(found, col.id), scanned: found.length };
  },
  estimate: (db, ctx) => estimateCount(db, 'CONTENT', `CONTENTTYPE IN ('PAGE','BLOGPOST') AND PREVVER IS NULL AND LASTMODDATE >= ?`, [ctx.fromLocal]),
};

const comments: EntityDef = {
  name: 'comments',
  columns: () => [
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
  async read(db, ctx, after, limit) {
    const params: unknown[] = [ctx.fromLocal];
    const content = requireTable(db, 'CONTENT');
    // A comment's space is its page's; the joins exist only to honour opted-out spaces.
    const optOut =
      ctx.optedOut.length === 0
        ? { join: '', where: '' }
        : {
            join: ` LEFT JOIN ${content} p ON p.CONTENTID = c.PAGEID LEFT JOIN ${requireTable(db, 'SPACES')} s ON s.SPACEID = p.SPACEID`,
            where: notIn('s.SPACEKEY', ctx.optedOut, params),
          };
    const where = `c.CONTENTTYPE = 'COMMENT' AND c.PREVVER IS NULL AND c.LASTMODDATE >= ?${optOut.where}` + afterKey('c.CONTENTID', after, params);
    const found = await queryRows(
      db,
      `SELECT ${CONTENT_COLUMNS} FROM ${content} c${optOut.join}
      WHERE ${where} ORDER BY c.CONTENTID${limitClause(limit)}`,
      params,
    );
    const col = contentColumns(found);
    const ids = idsOf(found, col.id);
    const bodies = await bodiesOf(db, ids);
    const baseUrl = utf8.encode(ctx.baseUrl);
    const rows = recordsOf(found.length, (out, r) => {
      const id = ids[r];
      const pageId = found.text(r, col.pageId);
      out.from(found, r, col.id);
      out.cell(baseUrl);
      out.cell(pageId === null ? null : `${viewPageUrl(ctx.baseUrl, pageId)}&focusedCommentId=${id}#comment-${id}`);
      out.from(found, r, col.pageId);
      out.from(found, r, col.parentCommentId);
      writeBody(out, bodies.get(id));
      out.from(found, r, col.creator);
      out.from(found, r, col.modifier);
      out.plain(blockDateCell(found, r, col.created, ctx.timezone));
      out.plain(blockDateCell(found, r, col.updated, ctx.timezone));
    });
    return { rows, lastKey: lastKeyIn(found, col.id), scanned: found.length };
  },
  estimate: (db, ctx) => estimateCount(db, 'CONTENT', `CONTENTTYPE = 'COMMENT' AND PREVVER IS NULL AND LASTMODDATE >= ?`, [ctx.fromLocal]),
};

const EVENT_TABLE = 'AO_7B47A5_EVENT';

const analyticsEvents: EntityDef = {
  name: 'analytics_events',
  columns: () => ['instance_url', 'event_id', 'event_name', 'created_date', 'event_author_id', 'event_space_key', 'event_container_id', 'event_content_id'],
  optional: {
    tables: [EVENT_TABLE],
    warning: { key: 'export.analytics.unavailable', message: `Skipped analytics events: the site has no ${EVENT_TABLE} table` },
  },
  async read(db, ctx, after, limit) {
    const c = (name: string) => `e.${db.id(name)}`;
    const params: unknown[] = [ctx.fromMs];
    const where = `${c('EVENT_AT')} >= ?${notIn(c('SPACE_KEY'), ctx.optedOut, params)}${afterKey(c('ID'), after, params)}`;
    const found = await queryRows(
      db,
      `SELECT ${c('ID')} AS id, ${c('NAME')} AS name, ${c('EVENT_AT')} AS event_at,
        ${c('USER_KEY')} AS user_key, ${c('SPACE_KEY')} AS space_key, ${c('CONTAINER_ID')} AS container_id,
        ${c('CONTENT_ID')} AS content_id
      FROM ${requireTable(db, EVENT_TABLE)} e WHERE ${where} ORDER BY ${c('ID')}${limitClause(limit)}`,
      params,
    );
    const [id, name, eventAt, user, space, container, content] = ['id', 'name', 'event_at', 'user_key', 'space_key', 'container_id', 'content_id'].map((n) =>
      found.column(n),
    );
    const baseUrl = utf8.encode(ctx.baseUrl);
    const rows = recordsOf(found.length, (out, r) => {
      out.cell(baseUrl);
      out.from(found, r, id);
      out.from(found, r, name);
      out.plain(epochCell(found.number(r, eventAt)));
      out.from(found, r, user);
      out.from(found, r, space);
      out.from(found, r, container);
      out.from(found, r, content);
    });
    return { rows, lastKey: lastKeyIn(found, id), scanned: found.length };
  },
  estimate: (db, ctx) => estimateCount(db, EVENT_TABLE, `${db.id('EVENT_AT')} >= ?`, [ctx.fromMs]),
};

export const confluence: ProductDef = {
  product: 'confluence',
  schemaVersions: [{ version: 1, status: 'ACTIVE' }],
  entities: [users, spaces, pages, comments, analyticsEvents],
  // A page view reads its CONTENT row first.
  probe: { table: 'CONTENT', key: 'CONTENTID', columns: ['CONTENTID', 'TITLE', 'VERSION', 'LASTMODDATE'] },
};
