// Section 7: the site's search index must be consistent before an export, as Confluence checks at start-up.
import { dateMs } from '../entities/cells.ts';
import type { ErrorItem } from '../errors.ts';
import type { Db } from '../source.ts';

export const PRE_VALIDATION_KEY = 'export.pre.validation.failed';
// Confluence treats a node that is more than five minutes behind its index journal as out of date.
const MAX_LAG_MS = 5 * 60_000;

export async function checkIndexJournal(db: Db, journalText: string | null, file: string, now: number, zone: string): Promise<ErrorItem[]> {
  const problem = (message: string): ErrorItem[] => [{ key: PRE_VALIDATION_KEY, message }];
  if (journalText === null) return problem(`Cannot read the index journal file "${file}"`);
  const lastId = journalText.trim();
  if (!/^\d+$/.test(lastId)) return problem(`Cannot read the index journal file "${file}": expected an entry id, found "${lastId.slice(0, 40)}"`);
  const table = db.table('journalentry');
  if (table === null) return problem('Cannot check the search index: the site has no journalentry table');
  const found = await db.query(`SELECT entry_id FROM ${table} WHERE journal_name = 'main_index' AND entry_id = ?`, [lastId]);
  if (found.length === 0) return problem(`The search index is out of date: entry ${lastId} is no longer in the index journal`);
  const [pending] = await db.query(`SELECT MIN(creationdate) AS oldest FROM ${table} WHERE journal_name = 'main_index' AND entry_id > ?`, [lastId]);
  const oldest = dateMs(pending?.oldest, zone);
  if (oldest !== null && now - oldest > MAX_LAG_MS) {
    return problem(`The search index is behind: changes since ${new Date(oldest).toISOString()} are not indexed yet`);
  }
  return [];
}
