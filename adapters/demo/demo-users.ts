// The demo site's people: three user directories (two active, one retired LDAP), users in one or several of
// them, a few deactivated, and the user keys every content row refers to.
import { between, DAY_MS, sqlTimestamp, type DemoRandom, type DemoRow } from './demo-random.ts';

const FIRST = [
  'Alice',
  'Bruno',
  'Chen',
  'Dana',
  'Emil',
  'Farah',
  'Gita',
  'Hugo',
  'Ines',
  'Jonas',
  'Keiko',
  'Lars',
  'Maya',
  'Nils',
  'Olga',
  'Priya',
  'Quentin',
  'Rosa',
  'Sami',
  'Tomás',
  'Ulla',
  'Viktor',
  'Wen',
  'Yusuf',
  'Zoë',
];
const LAST = [
  'Andersen',
  'Brown',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Haddad',
  'Ito',
  'Jansen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Weber',
];

const INTERNAL = 98305;
const LDAP = 98306;
const RETIRED_LDAP = 98307;

export interface DemoUsers {
  directories: DemoRow[];
  users: DemoRow[];
  mappings: DemoRow[];
  /** Keys of users who write content (everyone but the retired directory's). */
  authors: string[];
}

function directory(id: number, name: string, active: 'T' | 'F', type: string, createdMs: number): DemoRow {
  const implClass = type === 'INTERNAL' ? 'com.atlassian.crowd.directory.InternalDirectory' : 'com.atlassian.crowd.directory.OpenLDAP';
  return {
    id,
    directory_name: name,
    lower_directory_name: name.toLowerCase(),
    created_date: sqlTimestamp(createdMs),
    updated_date: sqlTimestamp(createdMs),
    active,
    description: null,
    impl_class: implClass,
    lower_impl_class: implClass.toLowerCase(),
    directory_type: type,
  };
}

export function createDemoUsers(random: DemoRandom, count: number, nowMs: number): DemoUsers {
  const startMs = nowMs - 3 * 365 * DAY_MS;
  const directories = [
    directory(INTERNAL, 'Confluence Internal Directory', 'T', 'INTERNAL', startMs),
    directory(LDAP, 'Corporate LDAP', 'T', 'CONNECTOR', startMs),
    directory(RETIRED_LDAP, 'Retired LDAP', 'F', 'CONNECTOR', startMs),
  ];
  const users: DemoRow[] = [];
  const mappings: DemoRow[] = [];
  const authors: string[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < count; i++) {
    const [first, last] = [FIRST[i % FIRST.length], LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length]];
    let name = `${first}.${last}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z.]/g, '');
    if (taken.has(name)) name = `${name}${i}`;
    taken.add(name);
    const key = random.hex32();
    mappings.push({ user_key: key, username: name, lower_username: name });
    // Most users live in the internal directory, a third in LDAP too, a few only in the retired directory.
    const homes = i % 12 === 11 ? [RETIRED_LDAP] : i % 3 === 0 ? [INTERNAL, LDAP] : [i % 5 === 0 ? LDAP : INTERNAL];
    for (const dir of homes) {
      const created = between(random, startMs, nowMs - 30 * DAY_MS);
      users.push({
        id: users.length + 1 + 32768,
        user_name: name,
        lower_user_name: name,
        active: i % 17 === 16 ? 'F' : 'T',
        created_date: sqlTimestamp(created),
        updated_date: sqlTimestamp(between(random, created, nowMs, 2)),
        first_name: first,
        lower_first_name: first.toLowerCase(),
        last_name: last,
        lower_last_name: last.toLowerCase(),
        display_name: dir === LDAP ? `${first} ${last} (LDAP)` : `${first} ${last}`,
        lower_display_name: `${first} ${last}`.toLowerCase(),
        email_address: `${name}@example.com`,
        lower_email_address: `${name}@example.com`,
        external_id: null,
        directory_id: dir,
        credential: null,
      });
    }
    if (!homes.includes(RETIRED_LDAP)) authors.push(key);
  }
  return { directories, users, mappings, authors };
}
