// Core writes `?` placeholders; PostgreSQL numbers its parameters, and COPY takes none at all.

/** Each `?` outside quoted literals and identifiers replaced by `fill(its index)`. */
export function fillPlaceholders(sql: string, fill: (index: number) => string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else {
      out += ch === '?' ? fill(n++) : ch;
    }
  }
  return out;
}
