// Label and JSON-array cells: sorted by code point, compact JSON with non-ASCII kept as is.

/** Compares by Unicode code point; JS's default sort compares UTF-16 units, which misorders astral characters. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return (ca.done ? 0 : 1) - (cb.done ? 0 : 1);
    const diff = ca.value.codePointAt(0)! - cb.value.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
}

export function sortedJsonArray(values: Iterable<string>): string | null {
  const list = [...values].sort(compareCodePoints);
  return list.length === 0 ? null : JSON.stringify(list);
}

/** `global` labels plain, others as `ns:name`. */
export function labelName(name: string, namespace: string | null): string {
  return namespace === null || namespace === 'global' ? name : `${namespace}:${name}`;
}
