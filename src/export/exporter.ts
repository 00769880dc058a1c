// One exporter per `format`, behind one interface: the node picks one, forwards every message to
// it and turns what comes back into sends, a status and done. An exporter owns whatever it keeps
// between messages (ledgers, timers, the chart), so closing it is all a node has to do on close.
import type { Clock } from '../lib/clock';

/** A message for one of the node's outputs, sent as it is. */
export type OutMessage = { topic: string; payload: unknown } & Record<string, unknown>;

/** Something the user should know (a catalogue key of `warnings` and its arguments). */
export interface Notice {
  key: string;
  args: Record<string, string>;
}

/** What the status should say, as data: the node puts it into words (catalogue key `status.<kind>`). */
export type ExportStatus =
  | { kind: 'haSent'; rows: number; messages: number; lastHour: number }
  | { kind: 'influxSent'; points: number; last: number }
  | { kind: 'chart'; points: number; newest: number | null }
  | { kind: 'waiting' }
  | { kind: 'nothingNew' };

export interface ExportOutcome {
  /** The first output: what the destination stores. */
  store: OutMessage[];
  /** The second output (Home Assistant): reads whose answers are wired back in. */
  asks: OutMessage[];
  /** null: nothing worth a new status (an answer that came too late). */
  status: ExportStatus | null;
  warnings: Notice[];
}

export interface Exporter {
  /**
   * One input message. Throws an ExportProblem to refuse it: then nothing was sent and nothing
   * it keeps has changed.
   */
  accept(msg: Readonly<Record<string, unknown>>): ExportOutcome;
  /** The node closes: stop the timers, let go of what is held. */
  close(): void;
}

/** What an exporter needs from its node for what happens between messages (a time-out). */
export interface ExporterHost {
  clock: Clock;
  /** An outcome that no message brought, to be sent like the others. */
  later(outcome: ExportOutcome): void;
  /** It could not be worked out (the disk refused a ledger, say). */
  failed(err: unknown): void;
}

export function outcome(status: ExportStatus | null, store: OutMessage[] = []): ExportOutcome {
  return { store, asks: [], status, warnings: [] };
}

/** For a node whose settings are wrong whatever comes in: every message is refused. */
export function refusingExporter(problem: unknown): Exporter {
  return {
    accept() {
      throw problem;
    },
    close() {},
  };
}
