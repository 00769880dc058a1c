// The `influxdb` format: one point per bucket for node-red-contrib-influxdb's `influxdb batch`
// node. A point's series is its measurement and tags, its time the bucket's start: a revised
// bucket is written again at the same series and time, and InfluxDB keeps the last write.
import type { MeasurePayload } from './types';

export const DEFAULT_MEASUREMENT = 'energy';

export interface InfluxPoint {
  measurement: string;
  tags: { moduleId: string; deviceId: string; line: string; scale: string };
  /** Wh per type, `total`, and `cost` in the home's currency; a null value is left out (InfluxDB has no nulls). */
  fields: Record<string, number>;
  timestamp: Date;
}

export function influxPoints(payload: MeasurePayload, measurement: string): InfluxPoint[] {
  const out: InfluxPoint[] = [];
  for (const p of payload.points) {
    const fields: Record<string, number> = {};
    // Counted as they are set: a year is 17 520 points, each without a pair per value or a second list of keys.
    let count = 0;
    const values = p.values;
    for (const type of Object.keys(values)) {
      const v = values[type];
      if (v !== null) {
        fields[type] = v;
        count++;
      }
    }
    if (p.total !== null) {
      fields.total = p.total;
      count++;
    }
    // In the payload's currency (the tag-free field: one currency per home).
    if (typeof p.cost === 'number') {
      fields.cost = p.cost;
      count++;
    }
    if (count === 0) continue;
    out.push({
      measurement,
      tags: { moduleId: payload.moduleId, deviceId: payload.deviceId, line: payload.name, scale: payload.scale },
      fields,
      timestamp: new Date(p.start),
    });
  }
  return out;
}
