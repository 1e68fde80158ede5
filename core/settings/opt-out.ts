// Opted-out spaces (Confluence) or projects (Jira): left out of every export from the next one on.
import type { Product } from '../config.ts';
import type { SettingsStore } from './settings-store.ts';

const OPTOUT_SETTING = 'optout';

export type OptOutType = 'SPACE' | 'PROJECT';

export interface OptOut {
  type: OptOutType;
  keys: string[];
}

/** Confluence sites opt out spaces, Jira sites projects. */
export function optOutTypeOf(product: Product): OptOutType {
  return product === 'jira' ? 'PROJECT' : 'SPACE';
}

export async function readOptOut(store: SettingsStore, product: Product): Promise<OptOut> {
  const saved = await store.readSetting<{ keys?: unknown }>(OPTOUT_SETTING);
  const keys = Array.isArray(saved?.keys) ? saved.keys.filter((k): k is string => typeof k === 'string') : [];
  return { type: optOutTypeOf(product), keys };
}

/** Replaces the list; an empty list removes the setting. */
export async function writeOptOut(store: SettingsStore, optOut: OptOut | null): Promise<void> {
  await store.writeSetting(OPTOUT_SETTING, optOut === null || optOut.keys.length === 0 ? null : optOut);
}
