// The scaled Confluence site as tab-separated rows for LOAD DATA LOCAL INFILE, one generator per table.
// Rows are produced lazily in batches, so seeding a gigabyte never holds more than a batch in memory.
import { commentBodyChars, createBodyCorpus, pageBodyChars } from './body-text.ts';
import { contentLayout, type ContentRow, type SitePlan } from './confluence-site.ts';
import { createRandom, type Random } from './random.ts';
import { at, batches, datetime, FIRST_SPACE_ID, LAST_MS, line, tsv, type TableLoad } from './tsv.ts';
import { cwdUserTable, directoryTable, eventsTable, labelTables, usersTable } from './confluence-side-tables.ts';

// Body ids live in their own range, as Confluence's id generator hands them out per table.
const FIRST_BODY_ID = 50_000_001;
const TITLE_WORDS = [
  'Release',
  'notes',
  'Design',
  'review',
  'Q3',
  'plan',
  'Onboarding',
  'How-to',
  'Incident',
  'Retro',
  'API',
  'über',
  'Ünïcödé',
  'FAQ',
  '"quoted"',
  'a, b',
];

export function confluenceTables(plan: SitePlan, seed: number): TableLoad[] {
  const userKeys = Array.from({ length: plan.users }, (_, i) => createRandom(seed + i * 7919).hex(32));
  const spaceKeys = Array.from({ length: plan.spaces }, (_, i) => (i % 5 === 4 ? `~user${i}` : `SP${i}`));
  const layout = contentLayout(plan, seed);
  const pageInfo = createRandom(seed + 1);
  const pages = layout.pages.map((row) => ({
    row,
    blog: pageInfo.chance(0.1),
    space: Math.floor(plan.spaces * pageInfo.next() ** 2),
    status: pageInfo.chance(0.95) ? 'current' : pageInfo.chance(0.6) ? 'deleted' : 'draft',
    title: `${pageInfo.pick(TITLE_WORDS)} ${pageInfo.pick(TITLE_WORDS)} ${row.id}`,
  }));
  const user = (random: Random) => (random.chance(0.02) ? null : random.pick(userKeys));
  return [
    usersTable(userKeys),
    directoryTable(),
    cwdUserTable(plan, seed),
    {
      table: 'SPACES',
      columns: [
        'SPACEID',
        'SPACENAME',
        'SPACEKEY',
        'LOWERSPACEKEY',
        'HOMEPAGE',
        'CREATOR',
        'CREATIONDATE',
        'LASTMODIFIER',
        'LASTMODDATE',
        'SPACETYPE',
        'SPACESTATUS',
      ],
      *lines() {
        const random = createRandom(seed + 2);
        for (let i = 0; i < plan.spaces; i++) {
          const created = at(random.next() * 0.5);
          yield line([
            FIRST_SPACE_ID + i,
            tsv(`Space ${i} ${random.pick(TITLE_WORDS)}`),
            spaceKeys[i],
            spaceKeys[i].toLowerCase(),
            random.chance(0.95) ? random.pick(pages).row.id : null,
            user(random),
            datetime(created),
            user(random),
            datetime(created + random.next() * (LAST_MS - created)),
            i % 5 === 4 ? 'personal' : 'global',
            random.chance(0.05) ? 'ARCHIVED' : 'CURRENT',
          ]);
        }
      },
    },
    {
      table: 'CONTENT',
      columns: [
        'CONTENTID',
        'CONTENTTYPE',
        'TITLE',
        'LOWERTITLE',
        'VERSION',
        'CREATOR',
        'CREATIONDATE',
        'LASTMODIFIER',
        'LASTMODDATE',
        'VERSIONCOMMENT',
        'PREVVER',
        'CONTENT_STATUS',
        'PAGEID',
        'SPACEID',
        'PARENTID',
        'PARENTCOMMENTID',
      ],
      *lines() {
        const random = createRandom(seed + 3);
        for (const batch of batches(layout.rows, (row) => contentLine(row, random))) yield batch;
      },
    },
    {
      table: 'BODYCONTENT',
      columns: ['BODYCONTENTID', 'BODY', 'CONTENTID', 'BODYTYPEID'],
      *lines() {
        const random = createRandom(seed + 4);
        const corpus = createBodyCorpus(random);
        let id = FIRST_BODY_ID;
        const withBody = layout.rows.filter((r) => r.kind !== 'attachment');
        for (const batch of batches(withBody, (row) => {
          const chars = row.kind === 'comment' ? commentBodyChars(random) : pageBodyChars(random);
          return line([id++, corpus.body(chars), row.id, 2]);
        }))
          yield batch;
      },
    },
    ...labelTables(plan, layout.pages, seed),
    eventsTable(plan, userKeys, spaceKeys, layout.pages, seed),
  ];

  function contentLine(row: ContentRow, random: Random): string {
    const page = pages[row.page];
    const created = at(row.kind === 'page' ? row.age : Math.max(page.row.age, row.age) - 0.01);
    const modified = created + random.next() * (LAST_MS - created) * 0.3;
    const kind = row.kind;
    if (kind === 'comment' || kind === 'attachment') {
      return line([
        row.id,
        kind === 'comment' ? 'COMMENT' : 'ATTACHMENT',
        kind === 'comment' ? null : `file-${row.id}.png`,
        null,
        1,
        user(random),
        datetime(created),
        user(random),
        datetime(modified),
        null,
        null,
        random.chance(0.97) ? 'current' : 'deleted',
        page.row.id,
        null,
        null,
        row.parentComment,
      ]);
    }
    const live = kind === 'page';
    const parent = !page.blog && random.chance(0.7) ? pages[Math.floor(random.next() * pages.length)].row.id : null;
    return line([
      row.id,
      page.blog ? 'BLOGPOST' : 'PAGE',
      tsv(page.title),
      tsv(page.title.toLowerCase()),
      row.version,
      user(random),
      datetime(created),
      user(random),
      datetime(modified),
      random.chance(0.3) ? tsv(`Edited ${random.pick(TITLE_WORDS)}`) : null,
      live ? null : page.row.id,
      live ? page.status : 'current',
      null,
      FIRST_SPACE_ID + page.space,
      parent,
      null,
    ]);
  }
}
