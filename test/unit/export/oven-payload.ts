// The measure payload the export's unit tests feed their exporters: one line, "Oven", read in
// half-hours of plain sum_energy_elec.
import { HALF_HOUR, type ExportPoint, type MeasurePayload } from '../../../src/export/types';

export const OVEN_MODULE = '70:ee:50:a1:b2:c3#4';

/** A half-hour bucket starting at `start` whose only column, and total, is `total` Wh. */
export function half(start: number, total: number | null): ExportPoint {
  return { start, end: start + HALF_HOUR, values: { sum_energy_elec: total }, total };
}

/** The Oven's payload carrying `points`, with `extra` fields set over the defaults. */
export function ovenPayload(points: ExportPoint[], extra: Partial<MeasurePayload> = {}): MeasurePayload {
  return {
    moduleId: OVEN_MODULE,
    deviceId: '70:ee:50:a1:b2:c3',
    name: 'Oven',
    scale: '30min',
    unit: 'Wh',
    types: ['sum_energy_elec'],
    points,
    revised: [],
    ...extra,
  };
}
