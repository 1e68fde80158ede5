// The database's own view of the rows Sluice exports: one SELECT per entity with the same joins and
// filters as the export's chunk queries (SPEC section 6), for `mariadb --batch` and INTO OUTFILE.
// They skip only what SQL cannot do well (entity decoding, JSON label arrays, ISO dates).

const BASE = 'http://localhost:8090';
const FROM = '2000-01-01 00:00:00';
const FROM_MS = Date.parse('2000-01-01T00:00:00Z');

/** The chosen body of a content row: storage format first, then the lowest id (as the export picks it). */
const BODY = `(SELECT b.BODY FROM BODYCONTENT b WHERE b.CONTENTID = c.CONTENTID
  ORDER BY b.BODYTYPEID = 2 DESC, b.BODYCONTENTID LIMIT 1)`;

const LABELS = `(SELECT GROUP_CONCAT(IF(l.NAMESPACE = 'global', l.NAME, CONCAT(l.NAMESPACE, ':', l.NAME)) ORDER BY l.NAME SEPARATOR ',')
  FROM CONTENT_LABEL cl JOIN LABEL l ON l.LABELID = cl.LABELID WHERE cl.CONTENTID = c.CONTENTID)`;

const url = (id: string) => `CONCAT('${BASE}/pages/viewpage.action?pageId=', ${id})`;

export const PEER_QUERIES: Record<string, string> = {
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
  pages: `SELECT c.CONTENTID, '${BASE}', s.SPACEKEY, ${url('c.CONTENTID')}, LOWER(c.CONTENTTYPE), c.TITLE, c.CONTENT_STATUS,
      ${BODY}, IF(c.CONTENTTYPE = 'PAGE', c.PARENTID, NULL), ${LABELS}, c.VERSION, c.CREATOR, c.LASTMODIFIER,
      c.CREATIONDATE, c.LASTMODDATE, c.VERSIONCOMMENT
    FROM CONTENT c LEFT JOIN SPACES s ON s.SPACEID = c.SPACEID
    WHERE c.CONTENTTYPE IN ('PAGE', 'BLOGPOST') AND c.PREVVER IS NULL AND c.LASTMODDATE >= '${FROM}' ORDER BY c.CONTENTID`,
  comments: `SELECT c.CONTENTID, '${BASE}', CONCAT(${url('c.PAGEID')}, '&focusedCommentId=', c.CONTENTID, '#comment-', c.CONTENTID),
      c.PAGEID, c.PARENTCOMMENTID, ${BODY}, c.CREATOR, c.LASTMODIFIER, c.CREATIONDATE, c.LASTMODDATE
    FROM CONTENT c WHERE c.CONTENTTYPE = 'COMMENT' AND c.PREVVER IS NULL AND c.LASTMODDATE >= '${FROM}' ORDER BY c.CONTENTID`,
  analytics_events: `SELECT '${BASE}', e.ID, e.NAME, FROM_UNIXTIME(e.EVENT_AT / 1000), e.USER_KEY, e.SPACE_KEY, e.CONTAINER_ID, e.CONTENT_ID
    FROM AO_7B47A5_EVENT e WHERE e.EVENT_AT >= ${FROM_MS} ORDER BY e.ID`,
};
