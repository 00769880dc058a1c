// The statuses of `econetatmo-power` as data: the last value and its age, in the runtime's
// language (`t`, the node's catalogue).
//
// Several modules show one figure, each watt once: a whole-home meter (NLPC, NLPS, NLY) already
// measures the plugs and switches behind it, so when a read holds meters and appliances the
// figure is the meters' and the status says so ("(meters)"); without a meter it is the
// appliances' sum. Which meter feeds which appliance the cloud does not say, so the appliances
// are left out whole, not one by one.
import type { PowerReading } from '../contract/power';
import type { StatusValue, Translate } from './status';
import { meterOfPhase, type PowerRead } from './power-read';

/** How long ago, in the largest unit that keeps it a small number: `40 s`, `5 min`, `3 h`, `2 d`. */
export function ageText(t: Translate, ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('age.seconds', { n: String(s) });
  if (s < 3600) return t('age.minutes', { n: String(Math.floor(s / 60)) });
  if (s < 48 * 3600) return t('age.hours', { n: String(Math.floor(s / 3600)) });
  return t('age.days', { n: String(Math.floor(s / 86400)) });
}

/** Watts as people read them: whole numbers, one decimal below 10 W. */
export function wattsText(w: number): string {
  return Math.abs(w) < 10 && !Number.isInteger(w) ? w.toFixed(1) : String(Math.round(w));
}

/** The figure of several readings: `meters` when it is the meters' alone (appliances left out). */
export interface PowerTotal {
  watts: number;
  meters: boolean;
}

/**
 * The meters' power when a meter says one (a phase counted within its meter when both are read,
 * else as part of a meter), else the appliances' sum. Unreachable modules count nothing.
 */
export function powerTotal(readings: readonly PowerReading[]): PowerTotal {
  const read = new Set(readings.map((r) => r.moduleId));
  const sum = (list: readonly PowerReading[]): number => list.reduce((a, r) => a + (r.power ?? 0), 0);
  const whole = readings.filter((r) => (r.role === 'meter' || r.role === 'phase') && !read.has(meterOfPhase(r) ?? ''));
  const others = readings.filter((r) => r.role !== 'meter' && r.role !== 'phase');
  if (!whole.some((r) => r.power !== null)) return { watts: sum(others), meters: false };
  return { watts: sum(whole), meters: others.length > 0 };
}

/** After a read: one module's value and age, or the figure of several (see powerTotal) and the newest age. */
export function powerStatus(t: Translate, read: PowerRead, now: number): StatusValue {
  const { readings, noPower } = read;
  if (readings.length === 0) {
    if (noPower.length > 0) return { fill: 'grey', shape: 'ring', text: t('status.noPower', { names: noPower.join(', ') }) };
    return { fill: 'grey', shape: 'ring', text: t('status.none') };
  }
  const newest = Math.max(...readings.map((r) => r.lastSeen));
  const age = ageText(t, now - newest);
  const unreachable = readings.filter((r) => !r.reachable);
  let text: string;
  if (readings.length === 1) {
    const r = readings[0] as PowerReading;
    text = r.reachable ? t('status.one', { watts: wattsText(r.power ?? 0), age }) : t('status.unreachable', { age });
  } else {
    const total = powerTotal(readings);
    const watts = wattsText(total.watts);
    text = total.meters ? t('status.meters', { watts, age }) : t('status.several', { count: String(readings.length), watts, age });
    if (unreachable.length > 0) text += ` · ${t('status.someUnreachable', { count: String(unreachable.length) })}`;
  }
  if (noPower.length > 0 && readings.length > 0) text += ` · ${t('status.someNoPower', { count: String(noPower.length) })}`;
  return unreachable.length > 0 ? { fill: 'yellow', shape: 'ring', text } : { fill: 'green', shape: 'dot', text };
}
