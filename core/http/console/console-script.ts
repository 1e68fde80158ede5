// The console's browser code, inlined into the page (no build step, no external file). Plain ES2020.
// It polls server-rendered fragments, sends forms as JSON with the XSRF header, and feeds the rate chart.
// Kept free of backticks and template placeholders: it lives inside a TypeScript template literal.
import { RATE_CHART_SCRIPT } from './rate-chart-script.ts';

export const CONSOLE_SCRIPT =
  RATE_CHART_SCRIPT +
  `
(function () {
  var API = '/rest/datapipeline/latest';
  var BASE = '/admin/data-pipeline';
  var historyOffset = 0;
  var lastKey = '';
  var chart = createRateChart(document.getElementById('rate-chart'));
  var timer = null;
  var $ = function (sel, root) { return (root || document).querySelector(sel); };

  function toast(text, bad) {
    var t = $('#toast');
    t.textContent = text;
    t.className = 'toast show' + (bad ? ' bad' : '');
    clearTimeout(t._h);
    t._h = setTimeout(function () { t.className = 'toast' + (bad ? ' bad' : ''); }, bad ? 6000 : 3000);
  }
  function signedOut(status) { if (status === 401) { location.reload(); return true; } return false; }
  function api(method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: { 'X-Atlassian-Token': 'no-check' } };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(API + path, init).then(function (r) {
      signedOut(r.status);
      return r.text().then(function (text) {
        var parsed = null;
        try { parsed = JSON.parse(text); } catch (e) { parsed = { errors: [{ key: 'response', message: text.slice(0, 200) }] }; }
        return { status: r.status, ok: r.ok, body: parsed };
      });
    });
  }
  function messages(body) {
    if (body && body.errors && body.errors.length) return body.errors.map(function (e) { return e.message; }).join('; ');
    return (body && body.message) || 'The request failed';
  }
  function fragment(name, query) {
    return fetch(BASE + '/fragments/' + name + (query || ''), { credentials: 'same-origin' }).then(function (r) {
      if (signedOut(r.status) || !r.ok) throw new Error('HTTP ' + r.status);
      return r.text();
    });
  }
  function replace(id, html) {
    var el = document.getElementById(id);
    if (el) el.outerHTML = html;
    fillDates();
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function toLocalInput(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  function toIso(local) {
    if (!local) return null;
    var d = new Date(local);
    var off = -d.getTimezoneOffset();
    var sign = off < 0 ? '-' : '+';
    off = Math.abs(off);
    return local.slice(0, 16) + sign + pad(Math.floor(off / 60)) + ':' + pad(off % 60);
  }
  function fillDates() {
    document.querySelectorAll('input[data-iso]').forEach(function (input) {
      if (input.dataset.iso && !input.dataset.filled) { input.value = toLocalInput(input.dataset.iso); input.dataset.filled = '1'; }
    });
    document.querySelectorAll('input[type=datetime-local]').forEach(function (input) { input.max = toLocalInput(new Date().toISOString()); });
  }

  function onJob() {
    var job = $('#job');
    var running = job.dataset.running === 'true';
    $('#export-button').disabled = running;
    $('#cancel-button').disabled = !running || job.dataset.status === 'CANCELLATION_REQUESTED';
    chart.sample(job);
    var key = (job.dataset.jobId || '') + ':' + job.dataset.status;
    if (key !== lastKey) { lastKey = key; loadHistory(); }
    return running;
  }
  function poll() {
    clearTimeout(timer);
    return fragment('job').then(function (html) { replace('job', html); return onJob(); })
      .catch(function () { return false; })
      .then(function (running) { timer = setTimeout(poll, running ? 1000 : 4000); });
  }
  function loadHistory() {
    return fragment('history', '?offset=' + historyOffset).then(function (html) { replace('history-body', html); }).catch(function () {});
  }
  function refreshCard(id) {
    return fragment(id).then(function (html) { replace(id, html); });
  }

  function formBody(form) {
    var kind = form.dataset.form;
    if (kind === 'schedule') {
      return {
        days: Array.prototype.map.call(form.querySelectorAll('input[name=days]:checked'), function (c) { return c.value; }),
        repeatIntervalInWeeks: Number(form.repeatIntervalInWeeks.value),
        time: form.time.value,
        fromDate: toIso(form.fromDate.value)
      };
    }
    if (kind === 'export-path') return { path: form.path.value.trim() };
    if (kind === 'optout') return { type: form.type.value, keys: form.keys.value.split(/[\\s,]+/).filter(Boolean) };
    return {};
  }
  function startExport(form) {
    var q = [];
    var from = toIso(form.fromDate.value);
    if (from) q.push('fromDate=' + encodeURIComponent(from));
    if (form.force.checked) q.push('forceExport=true');
    var err = form.querySelector('.errors');
    err.textContent = '';
    return api('POST', '/export' + (q.length ? '?' + q.join('&') : '')).then(function (res) {
      if (res.status === 202) { toast('Started job ' + res.body.jobId); chart.reset(); }
      else if (res.status === 409) toast('Job ' + res.body.jobId + ' is already running', true);
      else if (res.status === 422) toast('Job ' + res.body.jobId + ' failed: ' + messages(res.body), true);
      else err.textContent = messages(res.body);
      return poll();
    });
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    ev.preventDefault();
    if (form.id === 'export-form') { startExport(form); return; }
    if (!form.dataset.path) return;
    var err = form.querySelector('.errors');
    err.textContent = '';
    api(form.dataset.method, form.dataset.path, formBody(form)).then(function (res) {
      if (!res.ok) { err.textContent = messages(res.body); return; }
      toast('Saved');
      return refreshCard(form.dataset.card);
    }).catch(function () { err.textContent = 'Cannot reach the server'; });
  });
  document.addEventListener('click', function (ev) {
    var el = ev.target.closest('button');
    if (!el || el.disabled) return;
    if (el.dataset.historyOffset !== undefined) { historyOffset = Number(el.dataset.historyOffset); loadHistory(); return; }
    if (el.id === 'cancel-button') {
      api('DELETE', '/export').then(function (res) { toast(res.body.message || messages(res.body), !res.ok); poll(); });
      return;
    }
    if (el.id === 'sign-out') {
      fetch(BASE + '/session', { method: 'DELETE', credentials: 'same-origin', headers: { 'X-Atlassian-Token': 'no-check' } })
        .then(function () { location.reload(); });
      return;
    }
    if (el.dataset.api) {
      if (el.dataset.confirm && !confirm(el.dataset.confirm)) return;
      var parts = el.dataset.api.split(' ');
      api(parts[0], parts[1]).then(function (res) {
        toast(res.ok ? 'Saved' : messages(res.body), !res.ok);
        if (el.dataset.card) refreshCard(el.dataset.card);
      });
    }
  });
  fillDates();
  onJob();
  poll();
})();
`;
