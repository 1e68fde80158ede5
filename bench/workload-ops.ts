// What the site's users do, per product: reads of the kind every page view or issue view makes.
import type mysql from 'mysql2/promise';

type Conn = mysql.PoolConnection;
export type Ids = Record<'items' | 'containers' | 'users', string[]>;
export interface Operation {
  /** Share of all operations. */
  weight: number;
  run(conn: Conn, ids: Ids): Promise<unknown>;
}

// Popular pages and issues are viewed most.
const popular = (ids: string[]) => ids[Math.floor(ids.length * Math.random() ** 2)];
const any = (ids: string[]) => ids[Math.floor(Math.random() * ids.length)];

export const CONFLUENCE_OPS: Operation[] = [
  {
    weight: 0.6,
    async run(conn, ids) {
      const id = popular(ids.items);
      await conn.query(
        `SELECT c.CONTENTID, c.TITLE, c.VERSION, c.CREATOR, c.LASTMODDATE, s.SPACEKEY, s.SPACENAME, b.BODY
      FROM CONTENT c LEFT JOIN SPACES s ON s.SPACEID = c.SPACEID
      LEFT JOIN BODYCONTENT b ON b.CONTENTID = c.CONTENTID AND b.BODYTYPEID = 2 WHERE c.CONTENTID = ?`,
        [id],
      );
      await conn.query(`SELECT l.NAME, l.NAMESPACE FROM CONTENT_LABEL cl JOIN LABEL l ON l.LABELID = cl.LABELID WHERE cl.CONTENTID = ?`, [id]);
    },
  },
  {
    weight: 0.25,
    run: (conn, ids) =>
      conn.query(
        `SELECT CONTENTID, TITLE, LASTMODDATE, LASTMODIFIER FROM CONTENT
    WHERE SPACEID = ? AND CONTENTTYPE = 'PAGE' AND PREVVER IS NULL AND CONTENT_STATUS = 'current'
    ORDER BY LASTMODDATE DESC LIMIT 20`,
        [any(ids.containers)],
      ),
  },
  {
    weight: 0.15,
    run: (conn, ids) =>
      conn.query(
        `SELECT um.username, cu.display_name, cu.email_address
    FROM user_mapping um JOIN cwd_user cu ON cu.lower_user_name = um.lower_username WHERE um.user_key = ?`,
        [any(ids.users)],
      ),
  },
];

export const JIRA_OPS: Operation[] = [
  {
    weight: 0.6,
    async run(conn, ids) {
      const id = popular(ids.items);
      await conn.query(
        `SELECT i.*, p.pkey, p.pname, s.pname AS status, pr.pname AS priority FROM jiraissue i
      JOIN project p ON p.ID = i.PROJECT LEFT JOIN issuestatus s ON s.ID = i.issuestatus LEFT JOIN priority pr ON pr.ID = i.PRIORITY
      WHERE i.ID = ?`,
        [id],
      );
      await conn.query('SELECT CUSTOMFIELD, STRINGVALUE, NUMBERVALUE, TEXTVALUE, DATEVALUE FROM customfieldvalue WHERE ISSUE = ?', [id]);
      await conn.query('SELECT LABEL FROM label WHERE ISSUE = ?', [id]);
    },
  },
  {
    weight: 0.25,
    run: (conn, ids) =>
      conn.query(
        `SELECT ID, issuenum, SUMMARY, UPDATED FROM jiraissue
    WHERE PROJECT = ? ORDER BY UPDATED DESC LIMIT 20`,
        [any(ids.containers)],
      ),
  },
  {
    weight: 0.15,
    run: (conn, ids) =>
      conn.query(
        `SELECT u.user_name, u.display_name, u.email_address FROM app_user a
    JOIN cwd_user u ON u.lower_user_name = a.lower_user_name WHERE a.user_key = ?`,
        [any(ids.users)],
      ),
  },
];

export const ID_QUERIES: Record<'confluence' | 'jira', Record<keyof Ids, string>> = {
  confluence: {
    items: `SELECT CONTENTID FROM CONTENT WHERE CONTENTTYPE IN ('PAGE','BLOGPOST') AND PREVVER IS NULL AND CONTENT_STATUS = 'current'`,
    containers: 'SELECT SPACEID FROM SPACES',
    users: 'SELECT user_key FROM user_mapping',
  },
  jira: { items: 'SELECT ID FROM jiraissue', containers: 'SELECT ID FROM project', users: 'SELECT user_key FROM app_user WHERE user_key IS NOT NULL' },
};
