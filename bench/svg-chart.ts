// A hand-written SVG of the loads: per panel, the foreground workload's throughput and the export's rate
// over time, each export's span shaded, with marks (the step) and a level line. No charting dependency:
// a few paths and labels.

export interface Point {
  atMs: number;
  perSecond: number;
}

export interface Panel {
  title: string;
  foreground: Point[];
  exports: { label: string; startMs: number; endMs: number; rates: Point[] }[];
  /** Vertical lines: the step, the moment the export reached its saturated pace. */
  marks: { atMs: number; label: string }[];
  /** A horizontal line on the export's axis: the saturated pace. */
  level: { perSecond: number; label: string } | null;
  /** The span shown; everything by default. */
  range: { startMs: number; endMs: number } | null;
}

const W = 960;
const H = 340;
const TITLE_H = 34;
const M = { left: 64, right: 72, top: 40, bottom: 48 };
const FOREGROUND = '#1f6fb2';
const EXPORT = '#d9822b';
const MARK = '#555';

// Seconds between time ticks: the first of these that leaves at most ten ticks.
const TIME_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600];
// A mark's label this close to the right edge is written to the left of its line.
const LABEL_ROOM = 220;

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round axis maximum and its tick step. */
function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].map((f) => (f * magnitude) / 4).find((s) => s * 4 >= max) ?? magnitude;
  return { top: step * 4, step };
}

function renderPanel(panel: Panel, top: number): string[] {
  const all = [...panel.foreground.map((p) => p.atMs), ...panel.exports.flatMap((e) => [e.startMs, e.endMs])];
  const t0 = panel.range?.startMs ?? Math.min(...all);
  const t1 = panel.range?.endMs ?? Math.max(...all);
  const inRange = (points: Point[]) => points.filter((p) => p.atMs >= t0 && p.atMs <= t1);
  const foreground = inRange(panel.foreground);
  const exports = panel.exports.filter((e) => e.endMs >= t0 && e.startMs <= t1).map((e) => ({ ...e, rates: inRange(e.rates) }));
  const left = niceScale(Math.max(...foreground.map((p) => p.perSecond), 1));
  const right = niceScale(Math.max(...exports.flatMap((e) => e.rates.map((p) => p.perSecond)), panel.level?.perSecond ?? 0, 1));
  const x = (ms: number) => M.left + ((Math.min(t1, Math.max(t0, ms)) - t0) / Math.max(1, t1 - t0)) * (W - M.left - M.right);
  const y = (value: number, scale: { top: number }) => top + H - M.bottom - (value / scale.top) * (H - M.top - M.bottom);
  const path = (points: Point[], scale: { top: number }) =>
    points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.atMs).toFixed(1)},${y(p.perSecond, scale).toFixed(1)}`).join(' ');
  const plotTop = top + M.top;
  const plotH = H - M.top - M.bottom;
  const out = [`<text x="${W / 2}" y="${top + 24}" text-anchor="middle" font-size="14">${esc(panel.title)}</text>`];
  for (const e of exports) {
    out.push(
      `<rect x="${x(e.startMs).toFixed(1)}" y="${plotTop}" width="${Math.max(1, x(e.endMs) - x(e.startMs)).toFixed(1)}" height="${plotH}" fill="${EXPORT}" opacity="0.12"/>`,
    );
    out.push(`<text x="${(x(e.startMs) + 4).toFixed(1)}" y="${plotTop + 14}" fill="${EXPORT}">${esc(e.label)}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const gy = y(left.step * i, left).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${gy}" y2="${gy}" stroke="#ddd"/>`);
    if (foreground.length)
      out.push(`<text x="${M.left - 6}" y="${gy}" text-anchor="end" dominant-baseline="middle" fill="${FOREGROUND}">${Math.round(left.step * i)}</text>`);
    out.push(`<text x="${W - M.right + 6}" y="${gy}" dominant-baseline="middle" fill="${EXPORT}">${Math.round(right.step * i)}</text>`);
  }
  const seconds = (t1 - t0) / 1000;
  const tick = TIME_STEPS.find((s) => seconds / s <= 10) ?? 3600;
  for (let s = 0; s <= seconds; s += tick)
    out.push(`<text x="${x(t0 + s * 1000).toFixed(1)}" y="${top + H - M.bottom + 18}" text-anchor="middle">${Math.round(s)}</text>`);
  out.push(`<text x="${W / 2}" y="${top + H - 10}" text-anchor="middle">seconds</text>`);
  if (foreground.length)
    out.push(`<text transform="translate(16 ${top + H / 2}) rotate(-90)" text-anchor="middle" fill="${FOREGROUND}">foreground operations/s</text>`);
  out.push(`<text transform="translate(${W - 14} ${top + H / 2}) rotate(90)" text-anchor="middle" fill="${EXPORT}">export rows/s</text>`);
  if (panel.level) {
    const ly = y(panel.level.perSecond, right).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${ly}" y2="${ly}" stroke="${EXPORT}" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${W - M.right - 4}" y="${(Number(ly) - 4).toFixed(1)}" text-anchor="end" fill="${EXPORT}">${esc(panel.level.label)}</text>`);
  }
  panel.marks.forEach((m, i) => {
    const mx = x(m.atMs).toFixed(1);
    out.push(`<line x1="${mx}" x2="${mx}" y1="${plotTop}" y2="${plotTop + plotH}" stroke="${MARK}" stroke-dasharray="3 3"/>`);
    const leftOfLine = Number(mx) > W - M.right - LABEL_ROOM;
    const lx = (Number(mx) + (leftOfLine ? -4 : 4)).toFixed(1);
    out.push(`<text x="${lx}" y="${plotTop + 30 + 14 * i}" text-anchor="${leftOfLine ? 'end' : 'start'}" fill="${MARK}">${esc(m.label)}</text>`);
  });
  if (foreground.length) out.push(`<path d="${path(foreground, left)}" fill="none" stroke="${FOREGROUND}" stroke-width="1.5"/>`);
  for (const e of exports) if (e.rates.length) out.push(`<path d="${path(e.rates, right)}" fill="none" stroke="${EXPORT}" stroke-width="1.5"/>`);
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${top + H - M.bottom}" y2="${top + H - M.bottom}" stroke="#333"/>`);
  return out;
}

export function renderChart(title: string, panels: Panel[]): string {
  const height = TITLE_H + panels.length * H;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="16">${esc(title)}</text>`,
  ];
  panels.forEach((panel, i) => out.push(...renderPanel(panel, TITLE_H + i * H)));
  out.push('</svg>');
  return out.join('\n') + '\n';
}
