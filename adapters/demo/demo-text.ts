// Text for the demo site: titles, and page and comment bodies in Confluence's storage format (XHTML) with
// the character entities real editors leave behind (&amp;, &nbsp;, &rsquo;, &#8217;), which the export decodes.
import type { DemoRandom } from './demo-random.ts';

const TOPICS = [
  'Release',
  'Onboarding',
  'Incident',
  'Architecture',
  'Roadmap',
  'Budget',
  'Hiring',
  'Security',
  'Billing API',
  'Search',
  'Mobile app',
  'Data pipeline',
  'Customer feedback',
  'Design system',
  'On-call',
];
const KINDS = [
  'plan',
  'notes',
  'review',
  'checklist',
  'decision record',
  'runbook',
  'retrospective',
  'FAQ',
  'how-to',
  'overview',
  'requirements',
  'post-mortem',
];
const WORDS = (
  'the team agreed to ship review update plan customer service latency cache database index release ' +
  'budget quarter goal owner risk timeline feedback metric dashboard migration rollout test staging production ' +
  'design prototype api endpoint schema ticket sprint backlog estimate deploy monitor alert threshold report'
).split(' ');
const PHRASES = ['R&amp;D', 'don&rsquo;t', 'we&#8217;re', '10&nbsp;%', 'Q&amp;A', '&lt;draft&gt;', 'caf&eacute;', '&quot;done&quot;'];
const COMMENTS = [
  'Looks good to me.',
  'Can we add the numbers from last quarter?',
  'Done &ndash; thanks!',
  'I&rsquo;ve updated the table.',
  'Who owns this?',
  'See the linked ticket.',
  '+1',
  'Let&#8217;s discuss on Monday.',
];

export interface DemoText {
  pageTitle(): string;
  blogTitle(): string;
  /** A storage-format body of a few paragraphs, about 0.5 to 2 KB. */
  body(): string;
  commentBody(): string;
  /** A version comment. */
  comment(): string;
}

export function createDemoText(random: DemoRandom): DemoText {
  let counter = 0;
  const sentence = () => {
    const words = Array.from({ length: random.int(6, 16) }, () => (random.chance(0.06) ? random.pick(PHRASES) : random.pick(WORDS)));
    const text = words.join(' ');
    return `${text[0].toUpperCase()}${text.slice(1)}.`;
  };
  const paragraph = () => `<p>${Array.from({ length: random.int(2, 5) }, sentence).join(' ')}</p>`;
  const list = () => `<ul>${Array.from({ length: random.int(2, 5) }, () => `<li>${random.pick(WORDS)} ${random.pick(WORDS)}</li>`).join('')}</ul>`;
  return {
    pageTitle: () => `${random.pick(TOPICS)} ${random.pick(KINDS)} ${++counter}`,
    blogTitle: () => `${random.pick(TOPICS)}: what changed in week ${random.int(1, 52)} (#${++counter})`,
    body: () => {
      const parts = [`<h2>${random.pick(TOPICS)}</h2>`];
      for (let n = random.int(1, 4); n > 0; n--) parts.push(random.chance(0.3) ? list() : paragraph());
      return parts.join('');
    },
    commentBody: () => `<p>${random.pick(COMMENTS)}</p>`,
    comment: () => random.pick(['Fixed typos', 'Updated the numbers', 'Added the decision', 'Reworded the summary']),
  };
}
