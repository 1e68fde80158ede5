// The JSON body each settings form sends, read from its fields (the form's data-form names it).
import { toIso } from './datetime-inputs.ts';

/** A named field's value (an input, a textarea, a group of radios). */
export function fieldValue(form: HTMLFormElement, name: string): string {
  const field = form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | RadioNodeList | null;
  return field?.value ?? '';
}

export function formBody(form: HTMLFormElement): Record<string, unknown> {
  switch (form.dataset.form) {
    case 'schedule':
      return {
        days: [...form.querySelectorAll<HTMLInputElement>('input[name=days]:checked')].map((c) => c.value),
        repeatIntervalInWeeks: Number(fieldValue(form, 'repeatIntervalInWeeks')),
        time: fieldValue(form, 'time'),
        fromDate: toIso(fieldValue(form, 'fromDate')),
      };
    case 'export-path':
      return { path: fieldValue(form, 'path').trim() };
    case 'optout':
      return {
        type: fieldValue(form, 'type'),
        keys: fieldValue(form, 'keys')
          .split(/[\s,]+/)
          .filter(Boolean),
      };
    default:
      return {};
  }
}
