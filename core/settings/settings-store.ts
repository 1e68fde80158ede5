// Settings live on the shared home (schedule, opt-out, export path), so every node reads the same.

export interface SettingsStore {
  readSetting<T>(name: string): Promise<T | null>;
  /** Writes a setting atomically; null removes it. */
  writeSetting(name: string, value: unknown): Promise<void>;
  /** Exclusive one-time marker (scheduled runs fire once across nodes); false when it exists. */
  claim(name: string): Promise<boolean>;
}
