// The `influxdb` format as an exporter: each measure message becomes one message of points for
// the `influxdb batch` node. Nothing is kept between messages: InfluxDB itself overwrites a
// revised bucket (same series, same time). The power node's messages are taken too (influx-power.ts).
import { influxPoints } from './influx-points';
import { influxPowerPoints, isPowerMessage, parsePowerMessage } from './influx-power';
import { measurePayloadOf } from './measure-message';
import { outcome, type ExportOutcome, type Exporter } from './exporter';
import { ExportProblem } from './types';
import { POWER_MEASUREMENT } from '../contract/power';

const MEASUREMENT = /^[A-Za-z0-9_.-]{1,64}$/;

export class InfluxExporter implements Exporter {
  constructor(private readonly measurement: string) {
    if (!MEASUREMENT.test(measurement)) throw new ExportProblem('badMeasurement', { measurement });
  }

  accept(msg: Readonly<Record<string, unknown>>): ExportOutcome {
    if (isPowerMessage(msg)) {
      const points = influxPowerPoints(parsePowerMessage(msg));
      if (points.length === 0) return outcome({ kind: 'nothingNew' });
      const last = Math.max(...points.map((p) => p.timestamp.getTime()));
      const topic = typeof msg.topic === 'string' ? msg.topic : POWER_MEASUREMENT;
      return outcome({ kind: 'influxSent', points: points.length, last }, [{ topic, payload: points, precision: 's' }]);
    }
    const payload = measurePayloadOf(msg);
    const points = influxPoints(payload, this.measurement);
    if (points.length === 0) return outcome({ kind: 'nothingNew' });
    const last = points[points.length - 1].timestamp.getTime();
    // Times in seconds whatever the batch node's own precision (bucket starts are whole minutes).
    return outcome({ kind: 'influxSent', points: points.length, last }, [{ topic: payload.name, payload: points, precision: 's' }]);
  }

  close(): void {}
}
