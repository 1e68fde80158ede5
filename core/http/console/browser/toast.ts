// The one-line notice in the page's corner: a few seconds for news, longer for a failure.
const SHOWN_MS = 3000;
const SHOWN_BAD_MS = 6000;

let hide: ReturnType<typeof setTimeout> | undefined;

export function showToast(text: string, bad = false): void {
  const toast = document.getElementById('toast')!;
  toast.textContent = text;
  toast.className = `toast show${bad ? ' bad' : ''}`;
  clearTimeout(hide);
  hide = setTimeout(
    () => {
      toast.className = `toast${bad ? ' bad' : ''}`;
    },
    bad ? SHOWN_BAD_MS : SHOWN_MS,
  );
}
