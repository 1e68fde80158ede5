// datetime-local inputs hold the browser's wall-clock time without a zone; the API wants ISO 8601 with an
// offset. These convert both ways and fill the inputs the server rendered with an instant (data-iso).

const pad = (n: number) => (n < 10 ? '0' : '') + n;

/** `2024-03-05T15:07` in the browser's zone, or '' for an unreadable time. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The input's time with the browser's offset at that time (`2024-03-05T15:07+01:00`), or null when empty. */
export function toIso(local: string): string | null {
  if (!local) return null;
  let offset = -new Date(local).getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  offset = Math.abs(offset);
  return `${local.slice(0, 16)}${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
}

/** Fills each input's instant once, and keeps every such input from going past now. */
export function fillDateInputs(): void {
  for (const input of document.querySelectorAll<HTMLInputElement>('input[data-iso]')) {
    if (input.dataset.iso && !input.dataset.filled) {
      input.value = toLocalInput(input.dataset.iso);
      input.dataset.filled = '1';
    }
  }
  for (const input of document.querySelectorAll<HTMLInputElement>('input[type=datetime-local]')) input.max = toLocalInput(new Date().toISOString());
}
