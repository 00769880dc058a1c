// Which exporter a node's settings make. The settings are read as the editor saves them (strings,
// maybe empty, maybe from an older editor): a value out of range falls back to its default, and a
// setting that is wrong whatever comes in throws the ExportProblem that the node shows at once.
import { EXPORT_FORMATS, type ExportFormat } from '../contract/export';
import type { DashboardChartKind } from './dashboard-chart';
import { DashboardExporter } from './dashboard-exporter';
import type { Exporter, ExporterHost } from './exporter';
import { DEFAULT_SOURCE } from './ha-statistics';
import { HomeAssistantExporter } from './homeassistant-exporter';
import { DEFAULT_MEASUREMENT } from './influx-points';
import { InfluxExporter } from './influxdb-exporter';
import type { LedgerRegistry } from './ledger-registry';
import { fileLedgerStore } from './ledger-store';

/** The node's properties, as the editor saves them. */
export interface ExportSettings {
  format?: string;
  source?: string;
  statisticId?: string;
  baselineTimeout?: string | number;
  measurement?: string;
  chart?: string;
  span?: string | number;
}

export interface ExporterDeps extends ExporterHost {
  /** Where the Home Assistant ledgers live (`<user dir>/econetatmo/export`). */
  ledgerDir: string;
  /** The runtime's one registry: one writer per statistic. */
  ledgers: LedgerRegistry;
  /** The node in words, for the refusal another node on its statistic gets. */
  owner: string;
}

const DEFAULT_BASELINE_TIMEOUT_S = 30;

function numberOr(v: unknown, fallback: number, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}

function textOr(v: string | undefined, fallback: string): string {
  return v !== undefined && v.trim() !== '' ? v.trim() : fallback;
}

export function formatOf(settings: ExportSettings): ExportFormat {
  return EXPORT_FORMATS.includes(settings.format as ExportFormat) ? (settings.format as ExportFormat) : 'homeassistant';
}

export function createExporter(settings: ExportSettings, deps: ExporterDeps): Exporter {
  switch (formatOf(settings)) {
    case 'influxdb':
      return new InfluxExporter(textOr(settings.measurement, DEFAULT_MEASUREMENT));
    case 'dashboard': {
      const kind: DashboardChartKind = settings.chart === 'days' ? 'days' : 'buckets';
      const span = kind === 'days' ? numberOr(settings.span, 2, 1, 31) : numberOr(settings.span, 48, 1, 24 * 31);
      return new DashboardExporter(kind, span, deps.clock);
    }
    case 'homeassistant':
      return new HomeAssistantExporter(
        {
          source: textOr(settings.source, DEFAULT_SOURCE),
          statisticIdOverride: settings.statisticId ?? '',
          baselineTimeoutMs: numberOr(settings.baselineTimeout, DEFAULT_BASELINE_TIMEOUT_S, 0, 3600) * 1000,
        },
        deps,
        fileLedgerStore(deps.ledgerDir),
        deps.ledgers.claimsFor(deps.ledgerDir, deps.owner),
      );
  }
}
