// The site's smaller tables: users and their directories, labels, and analytics events.
import { at, batches, datetime, FIRST_SPACE_ID, LAST_MS, line, type TableLoad } from './tsv.ts';
import type { ContentRow, SitePlan } from './confluence-site.ts';
import { createRandom } from './random.ts';

export function usersTable(userKeys: readonly string[]): TableLoad {
  return {
    table: 'user_mapping',
    columns: ['user_key', 'username', 'lower_username'],
    *lines() {
      yield* batches(
        userKeys.map((key, i) => [key, i] as const),
        ([key, i]) => line([key, `User${i}`, `user${i}`]),
      );
    },
  };
}

export function directoryTable(): TableLoad {
  return {
    table: 'cwd_directory',
    columns: ['id', 'directory_name', 'lower_directory_name', 'created_date', 'updated_date', 'active', 'impl_class', 'lower_impl_class', 'directory_type'],
    *lines() {
      yield line([
        1,
        'Confluence Internal Directory',
        'confluence internal directory',
        '2018-01-01 00:00:00',
        '2018-01-01 00:00:00',
        'T',
        'Internal',
        'internal',
        'INTERNAL',
      ]);
      yield line([2, 'Corporate LDAP', 'corporate ldap', '2019-01-01 00:00:00', '2019-01-01 00:00:00', 'T', 'Ldap', 'ldap', 'CONNECTOR']);
    },
  };
}

export function cwdUserTable(plan: SitePlan, seed: number): TableLoad {
  return {
    table: 'cwd_user',
    columns: [
      'id',
      'user_name',
      'lower_user_name',
      'active',
      'created_date',
      'updated_date',
      'display_name',
      'lower_display_name',
      'email_address',
      'lower_email_address',
      'directory_id',
    ],
    *lines() {
      const random = createRandom(seed + 5);
      let id = 1;
      const rows: string[] = [];
      for (let i = 0; i < plan.users; i++) {
        // A few keys have no directory row left (deleted users); some users are in both directories.
        if (random.chance(0.02)) continue;
        const created = at(random.next() * 0.8);
        for (const dir of random.chance(0.15) ? [1, 2] : [1]) {
          const name = `${random.pick(['Ann', 'Bob', 'Zoë', 'José', 'Li'])} ${random.pick(['Smith', 'Müller', "O'Brien", 'Nguyen'])} ${i}`;
          rows.push(
            line([
              id++,
              `User${i}`,
              `user${i}`,
              random.chance(0.97) ? 'T' : 'F',
              datetime(created),
              datetime(created + random.next() * (LAST_MS - created)),
              name,
              name.toLowerCase(),
              `user${i}@example.com`,
              `user${i}@example.com`,
              dir,
            ]),
          );
        }
      }
      yield* batches(rows, (r) => r);
    },
  };
}

export function labelTables(plan: SitePlan, pages: readonly ContentRow[], seed: number): TableLoad[] {
  const namespaces = ['global', 'global', 'global', 'global', 'my', 'team'];
  return [
    {
      table: 'LABEL',
      columns: ['LABELID', 'NAME', 'NAMESPACE', 'CREATIONDATE', 'LASTMODDATE'],
      *lines() {
        const random = createRandom(seed + 6);
        for (let i = 0; i < plan.labels; i++)
          yield line([i + 1, `label-${i}${random.chance(0.1) ? '-ü' : ''}`, random.pick(namespaces), '2020-01-01 00:00:00', '2020-01-01 00:00:00']);
      },
    },
    {
      table: 'CONTENT_LABEL',
      columns: ['ID', 'LABELID', 'CONTENTID', 'LABELABLEID', 'LABELABLETYPE', 'CREATIONDATE', 'LASTMODDATE'],
      *lines() {
        const random = createRandom(seed + 7);
        let id = 1;
        yield* batches(pages, (page) => {
          let out = '';
          const labels = new Set(Array.from({ length: Math.floor(random.next() ** 2 * 5) }, () => random.int(1, plan.labels)));
          for (const label of labels) out += line([id++, label, page.id, page.id, 'CONTENT', '2020-01-01 00:00:00', '2020-01-01 00:00:00']);
          return out;
        });
      },
    },
  ];
}

export function eventsTable(plan: SitePlan, userKeys: readonly string[], spaceKeys: readonly string[], pages: readonly ContentRow[], seed: number): TableLoad {
  const names = ['page_viewed', 'page_viewed', 'page_viewed', 'page_created', 'page_updated', 'attachment_viewed', 'comment_created'];
  return {
    table: 'AO_7B47A5_EVENT',
    columns: ['ID', 'NAME', 'EVENT_AT', 'USER_KEY', 'SPACE_KEY', 'CONTAINER_ID', 'CONTENT_ID'],
    *lines() {
      const random = createRandom(seed + 8);
      const ids = Array.from({ length: plan.events }, (_, i) => i + 1);
      yield* batches(ids, (id) => {
        const page = random.pick(pages);
        const space = random.int(0, spaceKeys.length - 1);
        return line([
          id,
          random.pick(names),
          Math.round(at(0.5 + (0.5 * id) / plan.events)),
          random.chance(0.1) ? null : random.pick(userKeys),
          spaceKeys[space],
          FIRST_SPACE_ID + space,
          page.id,
        ]);
      });
    },
  };
}
