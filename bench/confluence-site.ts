// The shape of a scaled Confluence site: how many of each thing, and which content row is what. Ids
// are interleaved the way a site's history leaves them (pages, old versions, comments and attachments
// created over the years), so a keyset scan for one type steps over rows of the others.
import { createRandom, shuffle, type Random } from './random.ts';

export interface SitePlan {
  scale: number;
  users: number;
  spaces: number;
  pages: number;
  comments: number;
  attachments: number;
  labels: number;
  events: number;
}

/** Counts at scale 1; every count grows linearly with the scale. */
const PER_SCALE = { users: 2000, spaces: 60, pages: 6000, comments: 12_000, attachments: 3000, labels: 300, events: 60_000 };

export function sitePlan(scale: number): SitePlan {
  const n = (count: number) => Math.max(1, Math.round(count * scale));
  return {
    scale,
    users: n(PER_SCALE.users),
    spaces: n(PER_SCALE.spaces),
    pages: n(PER_SCALE.pages),
    comments: n(PER_SCALE.comments),
    attachments: n(PER_SCALE.attachments),
    labels: n(PER_SCALE.labels),
    events: n(PER_SCALE.events),
  };
}

export type ContentKind = 'page' | 'history' | 'comment' | 'attachment';

export interface ContentRow {
  id: number;
  kind: ContentKind;
  /** Index into `pages` of the live page this row is, or belongs to (history rows, comments, attachments). */
  page: number;
  /** For history rows: the version number; for live pages: the number of versions. */
  version: number;
  /** For replies: the parent comment's id. */
  parentComment: number | null;
  /** Position in time, 0 (oldest) to 1 (newest). */
  age: number;
}

export interface ContentLayout {
  rows: ContentRow[];
  /** The live page rows, by page index. */
  pages: ContentRow[];
}

// Content ids start here, as on a site migrated long ago; ids leave room for other tables' rows.
const FIRST_CONTENT_ID = 1_000_001;

export function contentLayout(plan: SitePlan, seed: number): ContentLayout {
  const random = createRandom(seed);
  const versions = Array.from({ length: plan.pages }, () => 1 + Math.min(20, Math.floor(random.logNormal(0.6, 1.2))));
  const kinds: ContentKind[] = [];
  for (let i = 0; i < plan.pages; i++) kinds.push('page');
  for (const v of versions) for (let i = 1; i < v; i++) kinds.push('history');
  for (let i = 0; i < plan.comments; i++) kinds.push('comment');
  for (let i = 0; i < plan.attachments; i++) kinds.push('attachment');
  shuffle(kinds, random);
  const rows: ContentRow[] = kinds.map((kind, i) => ({
    id: FIRST_CONTENT_ID + i,
    kind,
    page: -1,
    version: 1,
    parentComment: null,
    age: i / kinds.length,
  }));
  const pages = rows.filter((r) => r.kind === 'page');
  pages.forEach((row, i) => {
    row.version = versions[i];
    row.page = i;
  });
  assignOwners(rows, pages, random);
  return { rows, pages };
}

function assignOwners(rows: ContentRow[], pages: ContentRow[], random: Random): void {
  const pendingVersions = pages.map((p) => p.version - 1);
  const commentsOf = new Map<number, number[]>();
  let historyCursor = 0;
  for (const row of rows) {
    if (row.kind === 'page') continue;
    if (row.kind === 'history') {
      // Hand out old versions page by page so each page gets exactly its count.
      while (pendingVersions[historyCursor] === 0) historyCursor++;
      row.page = historyCursor;
      row.version = pages[historyCursor].version - pendingVersions[historyCursor]--;
      continue;
    }
    // Popular pages draw most comments and attachments.
    row.page = Math.floor(pages.length * random.next() ** 2);
    if (row.kind !== 'comment') continue;
    const earlier = commentsOf.get(row.page) ?? [];
    if (earlier.length > 0 && random.chance(0.3)) row.parentComment = random.pick(earlier);
    earlier.push(row.id);
    commentsOf.set(row.page, earlier);
  }
}
