// The export-rate chart, inlined into the console: the script samples the job's total rows on every poll
// and draws rows/s over the job as an inline SVG polyline (no chart library, no network).
// Kept free of backticks and template placeholders: it lives inside a TypeScript template literal.

export const RATE_CHART_SCRIPT = `
function createRateChart(root) {
  var svg = root.querySelector('svg');
  var caption = root.querySelector('#rate-caption');
  var samples = [];
  var chartJob = null;
  function draw(running) {
    if (samples.length < 2) { svg.innerHTML = ''; caption.textContent = 'follows a running export'; return; }
    var rates = [];
    for (var i = 1; i < samples.length; i++) {
      var dt = (samples[i].t - samples[i - 1].t) / 1000;
      rates.push({ t: samples[i].t, r: dt > 0 ? Math.max(0, (samples[i].rows - samples[i - 1].rows) / dt) : 0 });
    }
    // The first segment's rate holds from its start, so a chart opened mid-job spans the whole job.
    rates.unshift({ t: samples[0].t, r: rates[0].r });
    var smooth = rates.map(function (p, i) {
      var from = Math.max(0, i - 2), sum = 0;
      for (var j = from; j <= i; j++) sum += rates[j].r;
      return { t: p.t, r: sum / (i - from + 1) };
    });
    var t0 = samples[0].t, t1 = samples[samples.length - 1].t;
    var peak = Math.max.apply(null, smooth.map(function (p) { return p.r; })) || 1;
    var W = 600, H = 110, top = 14, span = Math.max(1, t1 - t0);
    var pts = smooth.map(function (p) {
      return ((p.t - t0) / span * W).toFixed(1) + ',' + (H - 2 - (p.r / peak) * (H - top - 4)).toFixed(1);
    });
    var first = pts[0].split(',')[0];
    var last = pts[pts.length - 1].split(',')[0];
    svg.innerHTML =
      '<line x1="0" y1="' + top + '" x2="600" y2="' + top + '" stroke="#dfe1e6" stroke-dasharray="3 3" vector-effect="non-scaling-stroke"/>' +
      '<line x1="0" y1="' + (H - 2) + '" x2="600" y2="' + (H - 2) + '" stroke="#dfe1e6" vector-effect="non-scaling-stroke"/>' +
      '<polygon fill="rgba(12,102,228,.12)" points="' + first + ',' + (H - 2) + ' ' + pts.join(' ') + ' ' + last + ',' + (H - 2) + '"/>' +
      '<polyline fill="none" stroke="#0c66e4" stroke-width="2" stroke-linejoin="round" vector-effect="non-scaling-stroke" points="' + pts.join(' ') + '"/>';
    caption.textContent = (running ? 'now ' + Math.round(smooth[smooth.length - 1].r).toLocaleString('en-US') + ' rows/s · ' : 'job ' + chartJob + ' · ') +
      'peak ' + Math.round(peak).toLocaleString('en-US') + ' rows/s (dashed line) over ' + Math.round(span / 1000) + 's';
  }
  function sample(job) {
    var id = job.dataset.jobId, running = job.dataset.running === 'true';
    if (!id) return;
    var rows = Number(job.dataset.rows), now = Date.now();
    if (id !== chartJob) {
      if (!running) return;
      chartJob = id;
      // Opened mid-job: start from the job's start so the first segment is its average rate so far.
      var elapsed = Number(job.dataset.now) - Number(job.dataset.start);
      samples = [{ t: now - Math.max(0, elapsed), rows: 0 }];
    }
    if (running || samples[samples.length - 1].rows !== rows) samples.push({ t: now, rows: rows });
    if (samples.length > 400) samples = samples.filter(function (_, i) { return i === 0 || i % 2 === 1; });
    draw(running);
  }
  return { sample: sample, reset: function () { chartJob = null; } };
}
`;
