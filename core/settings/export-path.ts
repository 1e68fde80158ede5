// The custom export root, when an administrator set one (PUT /config/export-path): applies from the next job on.
import type { SettingsStore } from './settings-store.ts';

const EXPORT_PATH_SETTING = 'export-path';

/** The custom export root, or null for the default under the home. */
export async function readExportPath(store: SettingsStore): Promise<string | null> {
  return (await store.readSetting<{ path: string }>(EXPORT_PATH_SETTING))?.path ?? null;
}

/** Sets the custom export root; null goes back to the default. */
export async function writeExportPath(store: SettingsStore, path: string | null): Promise<void> {
  await store.writeSetting(EXPORT_PATH_SETTING, path === null ? null : { path });
}
