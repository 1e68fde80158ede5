// Table names differ in case between MySQL and PostgreSQL sites: resolve them from the catalog.

/** A lookup from a canonical table name to the quoted name the catalog has, or null. */
export function resolveTables(names: readonly string[], quote: (name: string) => string): (name: string) => string | null {
  const exact = new Set(names);
  const folded = new Map<string, string>();
  for (const name of names) if (!folded.has(name.toLowerCase())) folded.set(name.toLowerCase(), name);
  return (wanted) => {
    const found = exact.has(wanted) ? wanted : folded.get(wanted.toLowerCase());
    return found === undefined ? null : quote(found);
  };
}
