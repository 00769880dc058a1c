// What `econetatmo-export` can turn a measure message into (its `format` property).

export type ExportFormat = 'homeassistant' | 'influxdb' | 'dashboard';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['homeassistant', 'influxdb', 'dashboard'];
