// The upload schedule of one ecocounter, shared by the measure nodes that read its lines in
// `auto` (they upload together): one line polls around the predicted uploads, the others read
// when it sees one. The learning is UploadLearner's (upload-schedule.ts). Pure: times are
// passed in, nothing here owns a timer.
import { UploadLearner, type ReadObservation, type UploadScheduleOptions } from './upload-schedule';

/** What a line should do next: read at `at` (epoch ms), and why (for the status). */
export interface ReadAdvice {
  at: number;
  mode: 'learning' | 'probing' | 'waiting' | 'following';
}

interface Participant {
  lineId: string;
  onUpload: (delayMs: number) => void;
}

/**
 * The schedule of one ecocounter, shared by the measure nodes reading its lines in `auto`.
 * The "scout" (the first line that has data) polls: at the fallback interval while nothing is
 * learnt, around the predicted uploads once it is. When any read reveals an upload, the other
 * lines are told to read, a few seconds apart. Every line also keeps a slow safety-net read.
 */
export class DeviceSchedule {
  readonly learner: UploadLearner;
  private readonly participants: Participant[] = [];

  constructor(options: UploadScheduleOptions = {}, learner?: UploadLearner) {
    this.learner = learner ?? new UploadLearner(options);
  }

  get options(): Readonly<Required<UploadScheduleOptions>> {
    return this.learner.options;
  }

  /** Take part in the schedule; returns the function that leaves it. */
  join(lineId: string, onUpload: (delayMs: number) => void): () => void {
    const p: Participant = { lineId, onUpload };
    this.participants.push(p);
    return () => {
      const i = this.participants.indexOf(p);
      if (i >= 0) this.participants.splice(i, 1);
    };
  }

  /** The line that polls for the device: the first participant with data, else none yet. */
  scout(): string | null {
    return this.participants.find((p) => this.learner.hasData(p.lineId))?.lineId ?? null;
  }

  /**
   * Record a read (of any node on this device, `auto` or not). When it reveals an upload the
   * other participants are woken, staggered. Returns whether it did.
   */
  observe(obs: ReadObservation): boolean {
    const event = this.learner.observe(obs);
    if (event === null) return false;
    let rank = 0;
    const seen = new Set<string>([obs.lineId]);
    for (const p of [...this.participants]) {
      if (seen.has(p.lineId)) continue;
      seen.add(p.lineId);
      rank += 1;
      p.onUpload(rank * this.options.staggerMs);
    }
    return true;
  }

  /** When `lineId`, which last read at `lastReadAt`, should read next. */
  advise(lineId: string, lastReadAt: number, now: number): ReadAdvice {
    const o = this.options;
    const scout = this.scout();
    const polls = scout === null || scout === lineId;
    const prediction = this.learner.predict(now);
    if (!polls) return { at: lastReadAt + o.safetyMs, mode: 'following' };
    if (prediction === null) return { at: lastReadAt + o.fallbackMs, mode: 'learning' };
    const start = prediction.at - prediction.spread;
    const end = prediction.at + prediction.spread;
    if (lastReadAt < start) {
      const at = Math.min(lastReadAt + o.safetyMs, start);
      return { at, mode: at === start ? 'probing' : 'waiting' };
    }
    if (lastReadAt < end) return { at: lastReadAt + o.probeMs, mode: 'probing' };
    if (lastReadAt < end + o.overdueMs) return { at: lastReadAt + o.fallbackMs, mode: 'probing' };
    return { at: lastReadAt + o.safetyMs, mode: 'waiting' };
  }
}
