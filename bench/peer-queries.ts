// The database's own view of the rows Sluice exports: one SELECT per entity with the same joins and
// filters as the export's chunk queries (SPEC section 6), for `mariadb --batch` and INTO OUTFILE.
// They skip only what SQL cannot do well (entity decoding, JSON label arrays, ISO dates). The Jira
// queries join what the export joins; multi-value fields come out one row per value instead of as JSON.

const BASE = 'http://localhost:8090';
const FROM = '2000-01-01 00:00:00';
const FROM_MS = Date.parse('2000-01-01T00:00:00Z');

/** The chosen body of a content row: storage format first, then the lowest id (as the export picks it). */
const BODY = `(SELECT b.BODY FROM BODYCONTENT b WHERE b.CONTENTID = c.CONTENTID
  ORDER BY b.BODYTYPEID = 2 DESC, b.BODYCONTENTID LIMIT 1)`;

const LABELS = `(SELECT GROUP_CONCAT(IF(l.NAMESPACE = 'global', l.NAME, CONCAT(l.NAMESPACE, ':', l.NAME)) ORDER BY l.NAME SEPARATOR ',')
  FROM CONTENT_LABEL cl JOIN LABEL l ON l.LABELID = cl.LABELID WHERE cl.CONTENTID = c.CONTENTID)`;

const url = (id: string) => `CONCAT('${BASE}/pages/viewpage.action?pageId=', ${id})`;

/** Pages and comments read alike on both databases but for how the body, the labels and the parent are written. */
const pagesQuery = (body: string, labels: string, parent: string) =>
  `SELECT c.CONTENTID, '${BASE}', s.SPACEKEY, ${url('c.CONTENTID')}, LOWER(c.CONTENTTYPE), c.TITLE, c.CONTENT_STATUS,
      ${body}, ${parent}, ${labels}, c.VERSION, c.CREATOR, c.LASTMODIFIER,
      c.CREATIONDATE, c.LASTMODDATE, c.VERSIONCOMMENT
    FROM CONTENT c LEFT JOIN SPACES s ON s.SPACEID = c.SPACEID
    WHERE c.CONTENTTYPE IN ('PAGE', 'BLOGPOST') AND c.PREVVER IS NULL AND c.LASTMODDATE >= '${FROM}' ORDER BY c.CONTENTID`;
const commentsQuery = (body: string) =>
  `SELECT c.CONTENTID, '${BASE}', CONCAT(${url('c.PAGEID')}, '&focusedCommentId=', c.CONTENTID, '#comment-', c.CONTENTID),
      c.PAGEID, c.PARENTCOMMENTID, ${body}, c.CREATOR, c.LASTMODIFIER, c.CREATIONDATE, c.LASTMODDATE
    FROM CONTENT c WHERE c.CONTENTTYPE = 'COMMENT' AND c.PREVVER IS NULL AND c.LASTMODDATE >= '${FROM}' ORDER BY c.CONTENTID`;

export const CONFLUENCE_PEER_QUERIES: Record<string, string> = {
  users: `SELECT '${BASE}', um.user_key, um.username, cu.display_name, cu.email_address
    FROM user_mapping um JOIN (
      SELECT u.lower_user_name, u.display_name, u.email_address, u.updated_date,
        ROW_NUMBER() OVER (PARTITION BY u.lower_user_name ORDER BY u.directory_id) AS pick
      FROM cwd_user u JOIN cwd_directory d ON d.id = u.directory_id WHERE d.active = 'T'
    ) cu ON cu.lower_user_name = um.lower_username AND cu.pick = 1
    WHERE cu.updated_date >= '${FROM}' ORDER BY um.user_key`,
  spaces: `SELECT s.SPACEKEY, '${BASE}', CONCAT('${BASE}/display/', s.SPACEKEY), ${url('s.HOMEPAGE')}, s.SPACENAME,
      LOWER(s.SPACETYPE), LOWER(s.SPACESTATUS), s.CREATOR, s.LASTMODIFIER, s.CREATIONDATE, s.LASTMODDATE
    FROM SPACES s WHERE s.LASTMODDATE >= '${FROM}' ORDER BY s.SPACEID`,
  pages: pagesQuery(BODY, LABELS, "IF(c.CONTENTTYPE = 'PAGE', c.PARENTID, NULL)"),
  comments: commentsQuery(BODY),
  analytics_events: `SELECT '${BASE}', e.ID, e.NAME, FROM_UNIXTIME(e.EVENT_AT / 1000), e.USER_KEY, e.SPACE_KEY, e.CONTAINER_ID, e.CONTENT_ID
    FROM AO_7B47A5_EVENT e WHERE e.EVENT_AT >= ${FROM_MS} ORDER BY e.ID`,
};

const userId = (alias: string, key: string) => `LEFT JOIN app_user ${alias} ON ${alias}.user_key = ${key}`;

export const JIRA_PEER_QUERIES: Record<string, string> = {
  issues: `SELECT i.ID, '${BASE}', CONCAT('${BASE}/browse/', p.pkey, '-', i.issuenum), CONCAT(p.pkey, '-', i.issuenum), p.pkey, p.pname,
      p.PROJECTTYPE, pc.cname, it.pname, i.SUMMARY, LEFT(i.DESCRIPTION, 2000), cu.ID, ru.ID, au.ID, s.pname, s.STATUSCATEGORY,
      pr.SEQUENCE, pr.pname, r.pname, i.WATCHES, i.VOTES, i.CREATED, i.RESOLUTIONDATE, i.UPDATED, i.DUEDATE,
      i.TIMEORIGINALESTIMATE, i.TIMEESTIMATE, i.TIMESPENT, sl.NAME
    FROM jiraissue i JOIN project p ON p.ID = i.PROJECT
    LEFT JOIN nodeassociation na ON na.SOURCE_NODE_ID = p.ID AND na.SOURCE_NODE_ENTITY = 'Project' AND na.ASSOCIATION_TYPE = 'ProjectCategory'
    LEFT JOIN projectcategory pc ON pc.ID = na.SINK_NODE_ID
    LEFT JOIN issuetype it ON it.ID = i.issuetype LEFT JOIN issuestatus s ON s.ID = i.issuestatus
    LEFT JOIN priority pr ON pr.ID = i.PRIORITY LEFT JOIN resolution r ON r.ID = i.RESOLUTION
    ${userId('cu', 'i.CREATOR')} ${userId('ru', 'i.REPORTER')} ${userId('au', 'i.ASSIGNEE')}
    LEFT JOIN schemeissuesecuritylevels sl ON sl.ID = i.SECURITY
    WHERE i.UPDATED >= '${FROM}' ORDER BY i.ID`,
  issue_fields: `SELECT v.ISSUE, CONCAT('customfield_', f.ID), f.cfname, COALESCE(o.customvalue, v.STRINGVALUE, v.NUMBERVALUE, v.TEXTVALUE, v.DATEVALUE)
    FROM jiraissue i JOIN customfieldvalue v ON v.ISSUE = i.ID JOIN customfield f ON f.ID = v.CUSTOMFIELD
    LEFT JOIN customfieldoption o ON o.ID = v.STRINGVALUE
    WHERE i.UPDATED >= '${FROM}' ORDER BY v.ISSUE`,
  issue_history: `SELECT cg.issueid, ci.groupid, au.ID, cg.AUTHOR, cg.CREATED, ci.FIELD, ci.FIELDTYPE, LEFT(ci.OLDVALUE, 2000),
      LEFT(ci.OLDSTRING, 2000), LEFT(ci.NEWVALUE, 2000), LEFT(ci.NEWSTRING, 2000)
    FROM changeitem ci JOIN changegroup cg ON cg.ID = ci.groupid ${userId('au', 'cg.AUTHOR')}
    WHERE cg.CREATED >= '${FROM}' ORDER BY ci.ID`,
  issue_links: `SELECT l.ID, t.LINKNAME, l.SOURCE, l.DESTINATION, t.OUTWARD, t.INWARD
    FROM issuelink l JOIN issuelinktype t ON t.ID = l.LINKTYPE WHERE t.pstyle IS NULL OR t.pstyle <> 'jira_subtask' ORDER BY l.ID`,
  users: `SELECT '${BASE}', a.ID, a.user_key, cu.user_name, cu.display_name, cu.email_address
    FROM app_user a JOIN (
      SELECT u.lower_user_name, u.user_name, u.display_name, u.email_address,
        ROW_NUMBER() OVER (PARTITION BY u.lower_user_name ORDER BY u.directory_id) AS pick
      FROM cwd_user u JOIN cwd_directory d ON d.ID = u.directory_id WHERE d.active = 1
    ) cu ON cu.lower_user_name = a.lower_user_name AND cu.pick = 1 ORDER BY a.ID`,
};

// The same SELECTs in PostgreSQL's dialect: CASE for IF, string_agg for GROUP_CONCAT, AO tables and
// columns quoted, and the Jira values cast to text where MariaDB compares and coalesces across types.
const PG_BODY = `(SELECT b.BODY FROM BODYCONTENT b WHERE b.CONTENTID = c.CONTENTID
  ORDER BY b.BODYTYPEID = 2 DESC, b.BODYCONTENTID LIMIT 1)`;

const PG_LABELS = `(SELECT string_agg(CASE WHEN l.NAMESPACE = 'global' THEN l.NAME ELSE CONCAT(l.NAMESPACE, ':', l.NAME) END, ',' ORDER BY l.NAME)
  FROM CONTENT_LABEL cl JOIN LABEL l ON l.LABELID = cl.LABELID WHERE cl.CONTENTID = c.CONTENTID)`;

export const CONFLUENCE_POSTGRES_PEER_QUERIES: Record<string, string> = {
  ...CONFLUENCE_PEER_QUERIES,
  pages: pagesQuery(PG_BODY, PG_LABELS, "CASE WHEN c.CONTENTTYPE = 'PAGE' THEN c.PARENTID END"),
  comments: commentsQuery(PG_BODY),
  analytics_events: `SELECT '${BASE}', e."ID", e."NAME", to_timestamp(e."EVENT_AT" / 1000.0), e."USER_KEY", e."SPACE_KEY", e."CONTAINER_ID", e."CONTENT_ID"
    FROM "AO_7B47A5_EVENT" e WHERE e."EVENT_AT" >= ${FROM_MS} ORDER BY e."ID"`,
};

export const JIRA_POSTGRES_PEER_QUERIES: Record<string, string> = {
  ...JIRA_PEER_QUERIES,
  issue_fields: `SELECT v.ISSUE, CONCAT('customfield_', f.ID), f.cfname,
      COALESCE(o.customvalue, v.STRINGVALUE, v.NUMBERVALUE::text, v.TEXTVALUE, v.DATEVALUE::text)
    FROM jiraissue i JOIN customfieldvalue v ON v.ISSUE = i.ID JOIN customfield f ON f.ID = v.CUSTOMFIELD
    LEFT JOIN customfieldoption o ON o.ID::text = v.STRINGVALUE
    WHERE i.UPDATED >= '${FROM}' ORDER BY v.ISSUE`,
};
