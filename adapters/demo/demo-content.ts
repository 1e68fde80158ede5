// The demo site's content: spaces with home pages, page trees and blog posts with their earlier versions,
// comments and replies, storage-format bodies with character entities, and labels in several namespaces.
import { createDemoText, type DemoText } from './demo-text.ts';
import { between, DAY_MS, sqlTimestamp, type DemoRandom, type DemoRow } from './demo-random.ts';

export interface DemoContentSize {
  pages: number;
  blogPosts: number;
  comments: number;
}

export interface DemoContent {
  spaces: DemoRow[];
  content: DemoRow[];
  bodies: DemoRow[];
  labels: DemoRow[];
  contentLabels: DemoRow[];
  /** Live pages and blog posts, for the analytics events. */
  live: { id: number; spaceId: number; spaceKey: string }[];
}

const SPACES = [
  ['ENG', 'Engineering', 'global', 'CURRENT'],
  ['PROD', 'Product', 'global', 'CURRENT'],
  ['MKT', 'Marketing', 'global', 'CURRENT'],
  ['PPL', 'People & Culture', 'global', 'CURRENT'],
  ['OPS', 'Operations (old)', 'global', 'ARCHIVED'],
  ['~alice.andersen', 'Alice Andersen', 'personal', 'CURRENT'],
] as const;

const LABELS = [
  'architecture',
  'how-to',
  'meeting-notes',
  'release',
  'onboarding',
  'decision',
  'retrospective',
  'api',
  'security',
  'roadmap',
  'incident',
  'runbook',
  'faq',
  'design',
  'q3-planning',
  'customer',
  'über-wichtig',
];
const TEAM_LABELS = ['platform', 'growth', 'support'];

type Content = Omit<DemoRow, 'contentid'> & { contentid: number };

interface Builder {
  random: DemoRandom;
  text: DemoText;
  authors: readonly string[];
  nowMs: number;
  nextId(): number;
  out: DemoContent;
}

function contentRow(b: Builder, type: string, fields: Partial<Content>, createdMs = between(b.random, b.nowMs - 3 * 365 * DAY_MS, b.nowMs - DAY_MS)): Content {
  return {
    contentid: b.nextId(),
    hibernateversion: 0,
    contenttype: type,
    title: null,
    lowertitle: null,
    version: 1,
    creator: b.random.pick(b.authors),
    creationdate: sqlTimestamp(createdMs),
    lastmodifier: b.random.pick(b.authors),
    lastmoddate: sqlTimestamp(between(b.random, createdMs, b.nowMs, 3)),
    versioncomment: null,
    prevver: null,
    content_status: 'current',
    pageid: null,
    spaceid: null,
    parentid: null,
    parentcommentid: null,
    ...fields,
  };
}

function addWithBody(b: Builder, row: Content, body: string): Content {
  b.out.content.push(row);
  b.out.bodies.push({ bodycontentid: b.nextId(), body, contentid: row.contentid, bodytypeid: 2 });
  return row;
}

/** The live row plus its earlier versions, each a row of its own pointing at the live one (DATA-MODEL.md). */
function addVersioned(b: Builder, live: Content): void {
  const versions = 1 + Math.floor(b.random.next() ** 2 * 6);
  addWithBody(b, { ...live, version: versions, versioncomment: versions > 1 && b.random.chance(0.4) ? b.text.comment() : null }, b.text.body());
  for (let v = 1; v < versions; v++) {
    addWithBody(
      b,
      { ...live, contentid: b.nextId(), version: v, prevver: live.contentid, versioncomment: null, lastmoddate: live.creationdate },
      b.text.body(),
    );
  }
}

function addSpaces(b: Builder): void {
  SPACES.forEach(([key, name, type, status], i) => {
    const spaceId = 131073 + i * 32768;
    const created = b.nowMs - (3 * 365 - i * 20) * DAY_MS;
    const description = addWithBody(b, contentRow(b, 'SPACEDESCRIPTION', { spaceid: spaceId }, created), `<p>${name.replace(/&/g, '&amp;')}</p>`);
    const home = contentRow(b, 'PAGE', { title: `${name} Home`, lowertitle: `${name} home`.toLowerCase(), spaceid: spaceId }, created);
    addVersioned(b, home);
    b.out.spaces.push({
      spaceid: spaceId,
      spacename: name,
      spacekey: key,
      lowerspacekey: key.toLowerCase(),
      spacedescid: description.contentid,
      homepage: home.contentid,
      creator: b.authors[i],
      creationdate: sqlTimestamp(created),
      lastmodifier: b.random.pick(b.authors),
      lastmoddate: sqlTimestamp(between(b.random, created, b.nowMs, 2)),
      spacetype: type,
      spacestatus: status,
    });
    b.out.live.push({ id: home.contentid, spaceId, spaceKey: key });
  });
}

function addPages(b: Builder, size: DemoContentSize): void {
  const trees = b.out.spaces.map((s) => [Number(s.homepage)]);
  for (let i = 0; i < size.pages + size.blogPosts; i++) {
    const s = b.random.int(0, b.out.spaces.length - 1);
    const space = b.out.spaces[s];
    const blog = i >= size.pages;
    const status = b.random.chance(0.03) ? 'draft' : b.random.chance(0.02) ? 'deleted' : 'current';
    const title = blog ? b.text.blogTitle() : b.text.pageTitle();
    const parent = blog ? null : b.random.chance(0.3) ? trees[s][0] : b.random.pick(trees[s]);
    const row = contentRow(b, blog ? 'BLOGPOST' : 'PAGE', {
      title,
      lowertitle: title.toLowerCase(),
      spaceid: Number(space.spaceid),
      parentid: parent,
      content_status: status,
    });
    addVersioned(b, row);
    if (!blog) trees[s].push(row.contentid);
    b.out.live.push({ id: row.contentid, spaceId: Number(space.spaceid), spaceKey: String(space.spacekey) });
    addLabels(b, row.contentid);
  }
}

function addComments(b: Builder, count: number): void {
  const onPage = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const page = b.random.pick(b.out.live).id;
    const earlier = onPage.get(page) ?? [];
    const parent = earlier.length > 0 && b.random.chance(0.3) ? b.random.pick(earlier) : null;
    const row = contentRow(b, 'COMMENT', { pageid: page, parentcommentid: parent });
    const versions = b.random.chance(0.1) ? 2 : 1;
    addWithBody(b, { ...row, version: versions }, b.text.commentBody());
    if (versions === 2)
      addWithBody(b, { ...row, contentid: b.nextId(), version: 1, prevver: row.contentid, lastmoddate: row.creationdate }, b.text.commentBody());
    onPage.set(page, [...earlier, row.contentid]);
  }
}

function addLabels(b: Builder, contentId: number): void {
  if (b.out.labels.length === 0) {
    const names = [...LABELS.map((n) => [n, 'global']), ...TEAM_LABELS.map((n) => [n, 'team']), ['favourite', 'my']];
    names.forEach(([name, namespace], i) =>
      b.out.labels.push({
        labelid: 1000 + i,
        name,
        owner: namespace === 'my' ? b.authors[0] : null,
        namespace,
        creationdate: sqlTimestamp(b.nowMs - 3 * 365 * DAY_MS),
        lastmoddate: sqlTimestamp(b.nowMs - 3 * 365 * DAY_MS),
      }),
    );
  }
  const chosen = new Set<number>();
  for (let n = b.random.int(0, 3); n > 0; n--) chosen.add(Number(b.random.pick(b.out.labels).labelid));
  for (const labelId of chosen) {
    b.out.contentLabels.push({
      id: b.out.contentLabels.length + 1,
      labelid: labelId,
      contentid: contentId,
      owner: null,
      creationdate: sqlTimestamp(b.nowMs - 30 * DAY_MS),
      lastmoddate: sqlTimestamp(b.nowMs - 30 * DAY_MS),
      labelableid: contentId,
      labelabletype: 'CONTENT',
    });
  }
}

export function createDemoContent(random: DemoRandom, authors: readonly string[], size: DemoContentSize, nowMs: number): DemoContent {
  let id = 65_536;
  const out: DemoContent = { spaces: [], content: [], bodies: [], labels: [], contentLabels: [], live: [] };
  // Ids grow with small gaps, as a busy site's shared id generator leaves them.
  const b: Builder = { random, text: createDemoText(random), authors, nowMs, nextId: () => (id += random.int(1, 4)), out };
  addSpaces(b);
  addPages(b, size);
  addComments(b, size.comments);
  return out;
}
