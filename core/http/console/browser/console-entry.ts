// The console page's script (bundled at start-up, inlined with the page's CSP nonce): polls the job
// panel and the history as server-rendered fragments, sends forms and buttons to the REST API as JSON,
// and feeds the rate chart.
import { callApi, fetchFragment, messagesOf, signOut } from './api-client.ts';
import { fillDateInputs, toIso } from './datetime-inputs.ts';
import { fieldValue, formBody } from './form-body.ts';
import { createRateChart } from './rate-chart.ts';
import { showToast } from './toast.ts';

// Every second while a job runs, so its bars move; rarely when idle, to see a scheduled or another node's export.
const POLL_RUNNING_MS = 1000;
const POLL_IDLE_MS = 4000;

const chart = createRateChart(document.getElementById('rate-chart')!);
let historyOffset = 0;
let lastJobKey = '';
let pollTimer: ReturnType<typeof setTimeout> | undefined;

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function replace(id: string, html: string): void {
  const element = document.getElementById(id);
  if (element) element.outerHTML = html;
  fillDateInputs();
}

function loadHistory(): Promise<void> {
  return fetchFragment('history', `?offset=${historyOffset}`).then(
    (html) => replace('history-body', html),
    () => undefined,
  );
}

const refreshCard = (id: string) => fetchFragment(id).then((html) => replace(id, html));

/** Buttons and chart follow the job panel; the history reloads when the job or its status changes. */
function onJob(): boolean {
  const job = byId('job');
  const running = job.dataset.running === 'true';
  byId<HTMLButtonElement>('export-button').disabled = running;
  byId<HTMLButtonElement>('cancel-button').disabled = !running || job.dataset.status === 'CANCELLATION_REQUESTED';
  chart.sample(job);
  const key = `${job.dataset.jobId || ''}:${job.dataset.status}`;
  if (key !== lastJobKey) {
    lastJobKey = key;
    loadHistory();
  }
  return running;
}

function poll(): Promise<void> {
  clearTimeout(pollTimer);
  return fetchFragment('job')
    .then((html) => {
      replace('job', html);
      return onJob();
    })
    .catch(() => false)
    .then((running) => {
      pollTimer = setTimeout(poll, running ? POLL_RUNNING_MS : POLL_IDLE_MS);
    });
}

async function startExport(form: HTMLFormElement): Promise<void> {
  const query: string[] = [];
  const from = toIso(fieldValue(form, 'fromDate'));
  if (from) query.push(`fromDate=${encodeURIComponent(from)}`);
  if ((form.elements.namedItem('force') as HTMLInputElement).checked) query.push('forceExport=true');
  const errors = form.querySelector('.errors')!;
  errors.textContent = '';
  const res = await callApi('POST', `/export${query.length ? `?${query.join('&')}` : ''}`);
  if (res.status === 202) {
    showToast(`Started job ${res.body.jobId}`);
    chart.reset();
  } else if (res.status === 409) showToast(`Job ${res.body.jobId} is already running`, true);
  else if (res.status === 422) showToast(`Job ${res.body.jobId} failed: ${messagesOf(res.body)}`, true);
  else errors.textContent = messagesOf(res.body);
  return poll();
}

/** Resume carries the interrupted export on (POST /export?resume=true). */
async function resumeExport(): Promise<void> {
  const res = await callApi('POST', '/export?resume=true');
  if (res.status === 202) {
    showToast(`Resumed job ${res.body.config?.resumedFrom} as job ${res.body.jobId}`);
    chart.reset();
  } else if (res.status === 409) showToast(`Job ${res.body.jobId} is already running`, true);
  else if (res.status === 422) showToast(`Job ${res.body.jobId} failed: ${messagesOf(res.body)}`, true);
  else showToast(messagesOf(res.body), true);
  return poll();
}

function saveForm(form: HTMLFormElement): void {
  const errors = form.querySelector('.errors')!;
  errors.textContent = '';
  callApi(form.dataset.method!, form.dataset.path!, formBody(form))
    .then((res) => {
      if (!res.ok) {
        errors.textContent = messagesOf(res.body);
        return;
      }
      showToast('Saved');
      return refreshCard(form.dataset.card!);
    })
    .catch(() => {
      errors.textContent = 'Cannot reach the server';
    });
}

function onSubmit(event: SubmitEvent): void {
  const form = event.target as HTMLFormElement;
  event.preventDefault();
  if (form.id === 'export-form') startExport(form);
  else if (form.dataset.path) saveForm(form);
}

/** A button that names its request in data-api (`DELETE /config/schedule`), confirmed when it asks to be. */
function sendButton(button: HTMLButtonElement): void {
  const { api, card } = button.dataset;
  if (!api || (button.dataset.confirm && !confirm(button.dataset.confirm))) return;
  const [method, path] = api.split(' ');
  callApi(method, path).then((res) => {
    showToast(res.ok ? 'Saved' : messagesOf(res.body), !res.ok);
    if (card) refreshCard(card);
  });
}

function onClick(event: MouseEvent): void {
  const button = (event.target as Element).closest('button');
  if (!button || button.disabled) return;
  if (button.dataset.historyOffset !== undefined) {
    historyOffset = Number(button.dataset.historyOffset);
    loadHistory();
  } else if (button.id === 'cancel-button') {
    callApi('DELETE', '/export').then((res) => {
      showToast(res.body.message || messagesOf(res.body), !res.ok);
      poll();
    });
  } else if (button.id === 'resume-button') {
    button.disabled = true;
    resumeExport();
  } else if (button.id === 'sign-out') signOut();
  else sendButton(button);
}

document.addEventListener('submit', onSubmit);
document.addEventListener('click', onClick);
fillDateInputs();
onJob();
poll();
