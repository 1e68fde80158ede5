// The demo site's analytics events (the Analytics for Confluence app's AO_7B47A5_EVENT table) and the
// search index journal Confluence keeps next to them.
import { between, DAY_MS, sqlTimestamp, type DemoRandom, type DemoRow } from './demo-random.ts';

// Views dominate real event streams; edits and creations are a small share.
const NAMES = [...Array<string>(14).fill('page_viewed'), 'page_updated', 'page_created', 'attachment_viewed', 'comment_created', 'blog_viewed'];

export function createDemoEvents(
  random: DemoRandom,
  live: readonly { id: number; spaceId: number; spaceKey: string }[],
  authors: readonly string[],
  count: number,
  nowMs: number,
): DemoRow[] {
  const rows: DemoRow[] = [];
  // Ids in time order, as an auto-increment column hands them out.
  const times = Array.from({ length: count }, () => between(random, nowMs - 180 * DAY_MS, nowMs, 1.5)).sort((a, b) => a - b);
  times.forEach((at, i) => {
    const content = random.pick(live);
    rows.push({
      ID: i + 1,
      NAME: random.pick(NAMES),
      EVENT_AT: at,
      USER_KEY: random.chance(0.08) ? null : random.pick(authors),
      SPACE_KEY: content.spaceKey,
      CONTAINER_ID: content.spaceId,
      CONTENT_ID: content.id,
      VERSION_MODIFICATION_DATE: null,
    });
  });
  return rows;
}

export function createDemoJournal(count: number, nowMs: number): DemoRow[] {
  return Array.from({ length: count }, (_, i) => ({
    entry_id: 1000 + i,
    journal_name: 'main_index',
    creationdate: sqlTimestamp(nowMs - (count - i) * 60_000),
    type: 'ADD_CHANGE_DOCUMENT',
    message: `com.atlassian.confluence.pages.Page-${65_600 + i}`,
  }));
}
