// Rows per second over a sliding window: the rate an administrator sees is the current one, not the average.

export function createRateMeter(windowMs: number, startMs: number) {
  const marks: { atMs: number; rows: number }[] = [];
  const trim = (atMs: number) => {
    while (marks.length > 0 && marks[0].atMs <= atMs - windowMs) marks.shift();
  };
  return {
    add(rows: number, atMs: number) {
      marks.push({ atMs, rows });
      trim(atMs);
    },
    perSecond(atMs: number): number {
      trim(atMs);
      const spanMs = Math.min(windowMs, atMs - startMs);
      const rows = marks.reduce((sum, m) => sum + m.rows, 0);
      return spanMs <= 0 ? 0 : Math.round((rows * 1000) / spanMs);
    },
  };
}
