// The demo site's generator: the same PostgreSQL schema real-site tests use, the same rows for the same
// seed, and the cases an export must handle present among them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDemoContent } from '../../adapters/demo/demo-content.ts';
import { createDemoEvents } from '../../adapters/demo/demo-events.ts';
import { createRandom } from '../../adapters/demo/demo-random.ts';
import { createDemoUsers } from '../../adapters/demo/demo-users.ts';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const SIZE = { pages: 300, blogPosts: 40, comments: 400 };

function generate(seed: number) {
  const random = createRandom(seed);
  const people = createDemoUsers(random, 60, NOW);
  const content = createDemoContent(random, people.authors, SIZE, NOW);
  return { people, content, events: createDemoEvents(random, content.live, people.authors, 500, NOW) };
}

test('the same seed and start time give the same site', () => {
  assert.deepEqual(generate(5), generate(5));
  assert.notDeepEqual(generate(5).content.content.slice(0, 50), generate(6).content.content.slice(0, 50));
});

test('the site holds the cases an export must handle', () => {
  const { people, content, events } = generate(5);
  const live = content.content.filter((c) => c.prevver === null);
  const byId = new Map(content.content.map((c) => [c.contentid, c]));
  assert.ok(
    people.users.some((u) => u.directory_id === 98307),
    'users only in the retired directory',
  );
  assert.ok(
    people.users.some((u) => u.active === 'F'),
    'deactivated users',
  );
  assert.ok(
    people.users.some((u) => people.users.filter((o) => o.user_name === u.user_name).length > 1),
    'users in two directories',
  );
  for (const [type, status] of [
    ['PAGE', 'draft'],
    ['PAGE', 'deleted'],
    ['BLOGPOST', 'current'],
  ]) {
    assert.ok(
      live.some((c) => c.contenttype === type && c.content_status === status),
      `${type} ${status}`,
    );
  }
  const history = content.content.filter((c) => c.prevver !== null);
  assert.ok(history.length > SIZE.pages / 2, 'earlier versions');
  assert.ok(
    history.every((c) => byId.get(Number(c.prevver))?.prevver === null),
    'earlier versions point at the live row',
  );
  assert.ok(
    live.some((c) => c.contenttype === 'COMMENT' && c.parentcommentid !== null),
    'replies',
  );
  assert.ok(
    content.bodies.some((b) => /&(amp|rsquo|nbsp|#8217);/.test(String(b.body))),
    'character entities in bodies',
  );
  assert.ok(content.labels.some((l) => l.namespace === 'team') && content.contentLabels.length > 100, 'labels');
  assert.ok(content.spaces.some((s) => s.spacestatus === 'ARCHIVED') && content.spaces.some((s) => s.spacetype === 'personal'));
  assert.ok(
    events.some((e) => e.USER_KEY === null),
    'anonymous views',
  );
  assert.ok(
    events.every((e, i) => i === 0 || Number(e.EVENT_AT) >= Number(events[i - 1].EVENT_AT)),
    'event ids in time order',
  );
});
