// The power a module of the Legrand range draws, minute by minute, and when it is reachable. Power is constant
// within each minute (epoch minutes, m = floor(ms / 60 s)) and follows the household's circuits (the mean of
// a 30-min slot comes from household.ts, each minute wobbles around it): /api/homestatus shows these powers,
// and the energy getmeasure serves is their integral, so both sides can be checked against each other.
import { hash32, tag, unit } from './hash';
import { circuitWh } from './household';
import type { LocalTime } from './local-time';
import type { MeterSpec } from './range';
import type { Timeline } from './timeline';

export const MINUTE_MS = 60_000;
export const MINUTES_PER_SLOT = 30;
/** A flaky module's outages: in about half of each 6-hour period, one of 10 to 60 minutes. */
const FLAKY_PERIOD = 360;

export class MeterPower {
  private readonly tag: number;

  constructor(
    private readonly seed: number,
    readonly spec: MeterSpec,
    private readonly local: LocalTime,
    /** An NLY's phases (its power is theirs summed). */
    private readonly phases: readonly MeterPower[] = [],
  ) {
    this.tag = tag(spec.id);
  }

  /** The slot's level in W before the per-minute wobble: 0 when the appliance is off. */
  private level(slot: number): number {
    const p = this.spec.profile;
    if (p.kind === 'lamp') return circuitWh(this.spec.household, p.circuit, slot, this.local) >= p.onFromWh ? p.watts : 0;
    if (p.kind !== 'share') return 0;
    let wh = 0;
    for (const c of p.circuits) wh += circuitWh(this.spec.household, c, slot, this.local);
    if (p.onFromWh !== undefined && wh < p.onFromWh) return 0;
    return p.share * 2 * wh; // Wh per half-hour -> mean W
  }

  private wobble(level: number, minute: number): number {
    if (level <= 0) return 0;
    const u = unit(this.seed, 0x90e, this.tag, minute);
    const spread = this.spec.profile.kind === 'lamp' ? 0.06 : 0.4; // a lamp is steady, a circuit is not
    return Math.max(1, Math.round(level * (1 - spread / 2 + spread * u)));
  }

  /** W drawn during the minute (integer), whether or not the cloud hears of it. */
  minute(m: number): number {
    if (this.spec.profile.kind === 'phases') return this.phases.reduce((sum, ph) => sum + ph.minute(m), 0);
    return this.wobble(this.level(Math.floor(m / MINUTES_PER_SLOT)), m);
  }

  /** The 30 minute powers of a slot (one household lookup for them all). */
  slot(slot: number): number[] {
    const out = new Array<number>(MINUTES_PER_SLOT).fill(0);
    if (this.spec.profile.kind === 'phases') {
      for (const ph of this.phases) ph.slot(slot).forEach((w, k) => (out[k] += w));
      return out;
    }
    const level = this.level(slot);
    for (let k = 0; k < MINUTES_PER_SLOT; k++) out[k] = this.wobble(level, slot * MINUTES_PER_SLOT + k);
    return out;
  }
}

interface Outage {
  /** Minutes [from, to). */
  from: number;
  to: number;
}

/**
 * When a module's minutes reach the cloud: not during its gateway's outages (timeline gaps), a flaky
 * module's seeded outages, or the outages a test sets (`setReachable`). Unreachable minutes are lost: no
 * power in homestatus, no energy in getmeasure.
 */
export class Reachability {
  private readonly manual: Outage[] = [];
  private readonly tag: number;
  /** Seconds past each minute when the module reports (0..20): last_seen is not on the minute. */
  readonly offsetSec: number;

  constructor(
    private readonly seed: number,
    id: string,
    private readonly flaky: boolean,
    private readonly timeline: Timeline,
  ) {
    this.tag = tag(id);
    this.offsetSec = hash32(seed, 0x0f5, this.tag) % 21;
  }

  /** The minute whose report is the latest one at t (ms). */
  reportMinute(t: number): number {
    return Math.floor((t / 1000 - this.offsetSec) / 60);
  }

  reachable(m: number): boolean {
    return this.pieceStart(m) === null;
  }

  /** Whether every minute of the 30-min slot is reachable, cheaply (most slots are): then no minute need be asked. */
  wholeSlot(slot: number): boolean {
    if (this.timeline.inGap(slot)) return false;
    const first = slot * MINUTES_PER_SLOT;
    const end = first + MINUTES_PER_SLOT;
    if (this.flaky) {
      const o = this.flakyOutage(Math.floor(first / FLAKY_PERIOD)); // a slot lies within one period
      if (o && o.from < end && o.to > first) return false;
    }
    return !this.manual.some((o) => o.from < end && o.to > first);
  }

  private flakyOutage(period: number): Outage | null {
    if (unit(this.seed, 0xf1a, this.tag, period) >= 0.5) return null;
    const length = 10 + Math.floor(unit(this.seed, 0xf1b, this.tag, period) * 51);
    const from = period * FLAKY_PERIOD + Math.floor(unit(this.seed, 0xf1c, this.tag, period) * (FLAKY_PERIOD - length));
    return { from, to: from + length };
  }

  /** The first minute of the outage holding m (outages that touch are one), or null when m is reachable. */
  outageStart(m: number): number | null {
    let start = this.pieceStart(m);
    if (start === null) return null;
    for (let guard = 0; guard < 100_000; guard++) {
      const before = this.pieceStart(start - 1);
      if (before === null) break;
      start = before;
    }
    return start;
  }

  /** The earliest start of the outage pieces that hold m. */
  private pieceStart(m: number): number | null {
    let start: number | null = null;
    const slot = Math.floor(m / MINUTES_PER_SLOT);
    if (this.timeline.inGap(slot)) {
      let s = slot;
      while (this.timeline.inGap(s - 1)) s--;
      start = s * MINUTES_PER_SLOT;
    }
    const flaky = this.flaky ? this.flakyOutage(Math.floor(m / FLAKY_PERIOD)) : null;
    if (flaky && m >= flaky.from && m < flaky.to) start = start === null ? flaky.from : Math.min(start, flaky.from);
    for (const o of this.manual) if (m >= o.from && m < o.to) start = start === null ? o.from : Math.min(start, o.from);
    return start;
  }

  /**
   * From the module's next report after t on (within a minute), it is (un)reachable until told otherwise:
   * a report already shown stays the last one, so `last_seen` never goes back.
   */
  set(reachable: boolean, t: number): void {
    const m = this.reportMinute(t) + 1;
    const open = this.manual.find((o) => o.to === Number.POSITIVE_INFINITY);
    if (reachable) {
      if (open) open.to = Math.max(open.from, m);
    } else if (!open) {
      this.manual.push({ from: m, to: Number.POSITIVE_INFINITY });
    }
  }
}
