// The export-rate chart: samples the job's total rows on every poll and draws rows/s over the job as an
// inline SVG polyline (no chart library, no network).

export interface RateChart {
  /** Takes the figures the job panel's root carries (data-job-id, data-rows, data-running, …). */
  sample(job: HTMLElement): void;
  /** Forgets the job drawn, so the next running job starts a new chart. */
  reset(): void;
}

interface Sample {
  t: number;
  rows: number;
}

interface Rate {
  t: number;
  r: number;
}

// The SVG's viewBox (the page's <svg viewBox="0 0 600 110">) and the gap above the peak's dashed line.
const WIDTH = 600;
const HEIGHT = 110;
const TOP = 14;
// Enough points for a smooth line; beyond it every other sample is dropped.
const MAX_SAMPLES = 400;

/** Rows/s between samples, each the mean of itself and the two before it. */
export function smoothedRates(samples: Sample[]): Rate[] {
  const rates: Rate[] = [];
  for (let i = 1; i < samples.length; i++) {
    const dt = (samples[i].t - samples[i - 1].t) / 1000;
    rates.push({ t: samples[i].t, r: dt > 0 ? Math.max(0, (samples[i].rows - samples[i - 1].rows) / dt) : 0 });
  }
  // The first segment's rate holds from its start, so a chart opened mid-job spans the whole job.
  rates.unshift({ t: samples[0].t, r: rates[0].r });
  return rates.map((p, i) => {
    const from = Math.max(0, i - 2);
    let sum = 0;
    for (let j = from; j <= i; j++) sum += rates[j].r;
    return { t: p.t, r: sum / (i - from + 1) };
  });
}

function chartSvg(smooth: Rate[], peak: number, span: number): string {
  const t0 = smooth[0].t;
  const base = HEIGHT - 2;
  const points = smooth.map((p) => `${(((p.t - t0) / span) * WIDTH).toFixed(1)},${(base - (p.r / peak) * (HEIGHT - TOP - 4)).toFixed(1)}`);
  const first = points[0].split(',')[0];
  const last = points[points.length - 1].split(',')[0];
  return (
    `<line x1="0" y1="${TOP}" x2="${WIDTH}" y2="${TOP}" stroke="#dfe1e6" stroke-dasharray="3 3" vector-effect="non-scaling-stroke"/>` +
    `<line x1="0" y1="${base}" x2="${WIDTH}" y2="${base}" stroke="#dfe1e6" vector-effect="non-scaling-stroke"/>` +
    `<polygon fill="rgba(12,102,228,.12)" points="${first},${base} ${points.join(' ')} ${last},${base}"/>` +
    `<polyline fill="none" stroke="#0c66e4" stroke-width="2" stroke-linejoin="round" vector-effect="non-scaling-stroke" points="${points.join(' ')}"/>`
  );
}

const perSecond = (rate: number) => `${Math.round(rate).toLocaleString('en-US')} rows/s`;

export function createRateChart(root: HTMLElement): RateChart {
  const svg = root.querySelector('svg')!;
  const caption = root.querySelector<HTMLElement>('#rate-caption')!;
  let samples: Sample[] = [];
  let chartJob: string | null = null;

  const draw = (running: boolean) => {
    if (samples.length < 2) {
      svg.innerHTML = '';
      caption.textContent = 'follows a running export';
      return;
    }
    const smooth = smoothedRates(samples);
    const peak = Math.max(...smooth.map((p) => p.r)) || 1;
    const span = Math.max(1, samples[samples.length - 1].t - samples[0].t);
    svg.innerHTML = chartSvg(smooth, peak, span);
    const now = running ? `now ${perSecond(smooth[smooth.length - 1].r)} · ` : `job ${chartJob} · `;
    caption.textContent = `${now}peak ${perSecond(peak)} (dashed line) over ${Math.round(span / 1000)}s`;
  };

  const sample = (job: HTMLElement) => {
    const id = job.dataset.jobId;
    const running = job.dataset.running === 'true';
    if (!id) return;
    const rows = Number(job.dataset.rows);
    const now = Date.now();
    if (id !== chartJob) {
      if (!running) return;
      chartJob = id;
      // Opened mid-job: start from the job's start so the first segment is its average rate so far.
      const elapsed = Number(job.dataset.now) - Number(job.dataset.start);
      samples = [{ t: now - Math.max(0, elapsed), rows: 0 }];
    }
    if (running || samples[samples.length - 1].rows !== rows) samples.push({ t: now, rows });
    if (samples.length > MAX_SAMPLES) samples = samples.filter((_, i) => i === 0 || i % 2 === 1);
    draw(running);
  };

  return {
    sample,
    reset: () => {
      chartJob = null;
    },
  };
}
