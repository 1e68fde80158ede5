// A hand-written SVG of the impact phase: the foreground workload's throughput and the export's rate
// over time, with each export's span shaded. No charting dependency: a few paths and labels.

export interface ChartInput {
  title: string;
  foreground: { atMs: number; perSecond: number }[];
  exports: { budget: number; startMs: number; endMs: number; timeline: { atMs: number; rows: number }[] }[];
}

const W = 960;
const H = 380;
const M = { left: 64, right: 72, top: 40, bottom: 48 };
const FOREGROUND = '#1f6fb2';
const EXPORT = '#d9822b';

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round axis maximum and its tick step. */
function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].map((f) => (f * magnitude) / 4).find((s) => s * 4 >= max) ?? magnitude;
  return { top: step * 4, step };
}

function exportRates(timeline: { atMs: number; rows: number }[]): { atMs: number; perSecond: number }[] {
  const points: { atMs: number; perSecond: number }[] = [];
  for (let i = 1; i < timeline.length; i++) {
    const dt = (timeline[i].atMs - timeline[i - 1].atMs) / 1000;
    if (dt > 0) points.push({ atMs: timeline[i].atMs, perSecond: Math.max(0, (timeline[i].rows - timeline[i - 1].rows) / dt) });
  }
  return points;
}

export function renderChart(input: ChartInput): string {
  const all = [...input.foreground.map((p) => p.atMs), ...input.exports.flatMap((e) => [e.startMs, e.endMs])];
  const t0 = Math.min(...all);
  const t1 = Math.max(...all);
  const rates = input.exports.map((e) => ({ ...e, rates: exportRates(e.timeline) }));
  const left = niceScale(Math.max(...input.foreground.map((p) => p.perSecond), 1));
  const right = niceScale(Math.max(...rates.flatMap((e) => e.rates.map((p) => p.perSecond)), 1));
  const x = (ms: number) => M.left + ((ms - t0) / Math.max(1, t1 - t0)) * (W - M.left - M.right);
  const y = (value: number, scale: { top: number }) => H - M.bottom - (value / scale.top) * (H - M.top - M.bottom);
  const path = (points: { atMs: number; perSecond: number }[], scale: { top: number }) =>
    points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.atMs).toFixed(1)},${y(p.perSecond, scale).toFixed(1)}`).join(' ');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(input.title)}</text>`,
  ];
  for (const e of input.exports) {
    out.push(
      `<rect x="${x(e.startMs).toFixed(1)}" y="${M.top}" width="${Math.max(1, x(e.endMs) - x(e.startMs)).toFixed(1)}" height="${H - M.top - M.bottom}" fill="${EXPORT}" opacity="0.12"/>`,
    );
    out.push(`<text x="${(x(e.startMs) + 4).toFixed(1)}" y="${M.top + 14}" fill="${EXPORT}">export, budget ${e.budget}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const gy = y(left.step * i, left).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${gy}" y2="${gy}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${gy}" text-anchor="end" dominant-baseline="middle" fill="${FOREGROUND}">${Math.round(left.step * i)}</text>`);
    out.push(`<text x="${W - M.right + 6}" y="${gy}" dominant-baseline="middle" fill="${EXPORT}">${Math.round(right.step * i)}</text>`);
  }
  const seconds = (t1 - t0) / 1000;
  const tick = niceScale(seconds).step;
  for (let s = 0; s <= seconds; s += tick) {
    out.push(`<text x="${x(t0 + s * 1000).toFixed(1)}" y="${H - M.bottom + 18}" text-anchor="middle">${Math.round(s)}</text>`);
  }
  out.push(`<text x="${W / 2}" y="${H - 10}" text-anchor="middle">seconds</text>`);
  out.push(`<text transform="translate(16 ${H / 2}) rotate(-90)" text-anchor="middle" fill="${FOREGROUND}">foreground operations/s</text>`);
  out.push(`<text transform="translate(${W - 14} ${H / 2}) rotate(90)" text-anchor="middle" fill="${EXPORT}">export rows/s</text>`);
  out.push(`<path d="${path(input.foreground, left)}" fill="none" stroke="${FOREGROUND}" stroke-width="1.5"/>`);
  for (const e of rates) out.push(`<path d="${path(e.rates, right)}" fill="none" stroke="${EXPORT}" stroke-width="1.5"/>`);
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
