// Page and comment bodies in Confluence's storage format (XHTML with character entities, macros and
// line breaks), cut from one pre-built corpus so seeding a gigabyte costs string slicing, not text
// generation. The corpus is already escaped for LOAD DATA's tab-separated format.
import type { Random } from './random.ts';

const WORDS = (
  'the of and to in is for on with that this page team release plan meeting notes design review ' +
  'sprint backlog customer incident report database migration server cluster budget roadmap quarter ' +
  'über café naïve façade résumé Zürich 日本語 テスト данные προϊόν ' +
  'rows columns export pipeline analytics dashboard deadline owner status draft approved'
).split(' ');

const ENTITIES = ['&nbsp;', '&amp;', '&lt;', '&gt;', '&quot;', '&#8217;', '&#x201C;', '&hellip;', '&eacute;'];

// 4 MB covers the longest body (1 MB) from any starting point with room to spare.
const CORPUS_CHARS = 4 * 1024 * 1024;

function paragraph(random: Random): string {
  const words: string[] = [];
  const count = random.int(8, 80);
  for (let i = 0; i < count; i++) {
    words.push(random.chance(0.04) ? random.pick(ENTITIES) : random.pick(WORDS));
    if (random.chance(0.05)) words.push(',');
  }
  const text = words.join(' ');
  if (random.chance(0.1)) {
    return `<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[SELECT * FROM t WHERE a < 1;\\nprint("x, y")]]></ac:plain-text-body></ac:structured-macro>`;
  }
  if (random.chance(0.15)) return `<ul><li>${text}</li><li><strong>${random.pick(WORDS)}</strong></li></ul>`;
  return `<p>${text}</p>`;
}

export interface BodyCorpus {
  /** A body of about `chars` characters, TSV-escaped (line breaks are the two characters \n). */
  body(chars: number): string;
}

export function createBodyCorpus(random: Random): BodyCorpus {
  const parts: string[] = [];
  let length = 0;
  while (length < CORPUS_CHARS) {
    // Paragraphs are separated by a line break now and then: exports must escape them.
    const part = paragraph(random) + (random.chance(0.3) ? '\\n' : '');
    parts.push(part);
    length += part.length;
  }
  const corpus = parts.join('');
  return {
    body(chars) {
      const size = Math.max(0, Math.min(Math.floor(chars), corpus.length - 1));
      const start = Math.floor(random.next() * (corpus.length - size));
      let text = corpus.slice(start, start + size);
      // A cut between the two characters of an escape would escape the tab that follows.
      if (text.endsWith('\\') && !text.endsWith('\\\\')) text = text.slice(0, -1);
      return text;
    },
  };
}

/** Page body sizes: a few kB typically, with a long tail up to 1 MB (big tables, pasted logs). */
export function pageBodyChars(random: Random): number {
  if (random.chance(0.005)) return random.logUniform(64 * 1024, 1024 * 1024);
  return Math.min(64 * 1024, random.logNormal(2500, 0.9));
}

export function commentBodyChars(random: Random): number {
  return Math.min(16 * 1024, random.logNormal(300, 0.8));
}
