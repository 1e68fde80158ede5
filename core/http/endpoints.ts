// Where the API and the console live, and the header that marks a request as meant: what the server
// routes and checks and what the console's browser code sends, from one place. It imports nothing, so
// the browser bundle takes only these strings.

/** The REST API's base path; the console's script calls it. */
export const API_PATH = '/rest/datapipeline/latest';
/** Every base path the REST API answers on (SPEC section 2: `latest` and `1.0` are the same API). */
export const API_BASE_PATHS = [API_PATH, '/rest/datapipeline/1.0'] as const;
export const CONSOLE_PATH = '/admin/data-pipeline';

/** A change (anything but GET or HEAD) without this header and value is refused (XSRF). */
export const XSRF_HEADER = 'X-Atlassian-Token';
export const XSRF_VALUE = 'no-check';
