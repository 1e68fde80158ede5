// The governor's view of the site, as a port: adapters/site-monitor.ts measures it on the site's database.
import type { SiteReading } from './governor.ts';

export interface MonitorReading extends SiteReading {
  /** This machine's idle CPU cores since the last reading, where /proc tells (a local database); null elsewhere. */
  idleCores: number | null;
  /** This machine's busy cores over the same span (the site's and the export's), where /proc tells. */
  busyCores?: number | null;
  /** The cores the export's side used over the same span, where /proc tells: this process (every thread) and the monitor's queries in the database. */
  sluiceCores?: number | null;
}

export interface SiteMonitor {
  /** What was measured since the last call; throws when the monitor's connection failed (open another). */
  take(): MonitorReading;
  /** Samples `times` times further apart than usual from now on (1: as usual; the governor's samplingStretch). */
  stretch(times: number): void;
  close(): Promise<void>;
}

export type OpenSiteMonitor = () => Promise<SiteMonitor>;
