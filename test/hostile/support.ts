// Shared by the hostile-input tests: a tiny seeded generator (no dependency), a watch on the
// process for unhandled rejections and uncaught exceptions, a check that no prototype was
// polluted, a clock that skips the time it is asked to wait (retries and backoffs run at once),
// and one message round trip through a node with a Catch and a Complete node beside it.
import helper from 'node-red-node-test-helper';

/** mulberry32: small, fast, good enough to vary test input; the same seed gives the same run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function int(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const ALPHABET = 'abcXYZ019 #:,$-_.<>&"\'\\/{}[]\u0000\u00e9\u202e\ud83d\ude00';

export function randomText(random: () => number, maxLength: number): string {
  let text = '';
  const length = int(random, 0, maxLength);
  for (let i = 0; i < length; i++) text += ALPHABET[int(random, 0, ALPHABET.length - 1)];
  return text;
}

/** Any JSON-ish value (and a few that JSON cannot hold), nested up to `depth`. */
export function randomValue(random: () => number, depth = 2): unknown {
  const kind = int(random, 0, depth > 0 ? 9 : 6);
  switch (kind) {
    case 0:
      return pick(random, [0, -0, -1, 1, 42, 1e308, -1e308, Infinity, -Infinity, NaN, Number.MAX_SAFE_INTEGER + 2, 1e-300, 0.5]);
    case 1:
      return randomText(random, 12);
    case 2:
      return pick(random, ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '{{x}}', '__x__']);
    case 3:
      return random() < 0.5;
    case 4:
      return pick(random, [undefined, null]);
    case 5:
      return new Date(pick(random, [NaN, 1e16, -1e16]));
    case 6:
      return 'x'.repeat(int(random, 1000, 20000));
    case 7:
      return Array.from({ length: int(random, 0, 4) }, () => randomValue(random, depth - 1));
    case 8: {
      const o: Record<string, unknown> = {};
      for (let i = int(random, 0, 3); i > 0; i--) o[pick(random, ['a', 'toString', 'constructor', 'length', '0'])] = randomValue(random, depth - 1);
      return o;
    }
    default:
      return JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}');
  }
}

/** Counts what escapes the code under test: unhandled rejections and uncaught exceptions. */
export class ProcessWatch {
  readonly unhandled: unknown[] = [];
  readonly uncaught: unknown[] = [];
  private readonly onRejection = (reason: unknown): void => {
    this.unhandled.push(reason);
  };
  private readonly onException = (err: unknown): void => {
    this.uncaught.push(err);
  };

  start(): void {
    process.on('unhandledRejection', this.onRejection);
    process.prependListener('uncaughtException', this.onException);
  }

  stop(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
  }

  describe(): string {
    return [...this.unhandled, ...this.uncaught].map((e) => (e instanceof Error ? (e.stack ?? e.message) : String(e))).join('\n');
  }
}

const PROTOTYPES: Array<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

export function prototypeSnapshot(): Record<string, string[]> {
  const snap: Record<string, string[]> = {};
  for (const [name, proto] of PROTOTYPES) snap[name] = Reflect.ownKeys(proto).map(String).sort();
  return snap;
}

/** Throws when a prototype gained a key, or when a fresh object sees a `polluted` property. */
export function assertNotPolluted(before: Record<string, string[]>): void {
  const after = prototypeSnapshot();
  for (const name of Object.keys(before)) {
    const added = (after[name] ?? []).filter((k) => !(before[name] ?? []).includes(k));
    if (added.length > 0) throw new Error(`${name} was polluted with ${added.join(', ')}`);
  }
  if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('a fresh object has a `polluted` property');
}

export interface Outcome {
  /** Messages the node sent meanwhile. */
  sent: Array<Record<string, unknown>>;
  /** How many times the Catch node saw this message's error. */
  caught: Array<{ message: string; source?: unknown }>;
  /** How many times the Complete node saw this message finish without error. */
  completed: number;
}

export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Listening = { on(event: string, fn: (msg: Record<string, unknown>) => void): void; removeListener?: unknown };

function off(node: Listening, fn: (msg: Record<string, unknown>) => void): void {
  (node as unknown as { removeListener(e: string, f: unknown): void }).removeListener('input', fn);
}

let tags = 0;

/**
 * Sends `msg` to node `target` and waits until its Catch or Complete node reports it (ids:
 * `out`, `caught`, `completed`), then lets late deliveries arrive so that a double report shows.
 */
export async function roundTrip(target: string, msg: Record<string, unknown>, timeoutMs = 20000): Promise<Outcome> {
  const tag = `h${++tags}`;
  const outcome: Outcome = { sent: [], caught: [], completed: 0 };
  const out = helper.getNode('out');
  const caught = helper.getNode('caught');
  const completed = helper.getNode('completed');
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const onOut = (m: Record<string, unknown>): void => {
    outcome.sent.push(m);
  };
  const onCaught = (m: Record<string, unknown>): void => {
    if (m.__tag !== tag) return;
    outcome.caught.push(m.error as { message: string; source?: unknown });
    finish();
  };
  const onCompleted = (m: Record<string, unknown>): void => {
    if (m.__tag !== tag) return;
    outcome.completed += 1;
    finish();
  };
  out.on('input', onOut);
  caught.on('input', onCaught);
  completed.on('input', onCompleted);
  let timer: NodeJS.Timeout | undefined;
  try {
    // The tag is set on the message itself (not a copy): a parsed-JSON message keeps its own keys.
    msg.__tag = tag;
    helper.getNode(target).receive(msg);
    await Promise.race([
      finished,
      new Promise<void>(
        (_r, reject) => (timer = setTimeout(() => reject(new Error(`no Catch or Complete for ${describeMsg(msg)} in ${timeoutMs} ms`)), timeoutMs)),
      ),
    ]);
    // Deliveries are asynchronous: a second report or a late message would show up by now.
    for (let i = 0; i < 5; i++) await settle();
    await pause(20);
  } finally {
    if (timer) clearTimeout(timer);
    off(out, onOut);
    off(caught, onCaught);
    off(completed, onCompleted);
  }
  return outcome;
}

/** A short, printable description of a test message for failure texts. */
export function describeMsg(msg: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Reflect.ownKeys(msg)) {
    if (key === '__tag' || key === '_msgid') continue;
    const value = (msg as Record<string | symbol, unknown>)[key];
    let text: string;
    if (typeof value === 'number') text = Object.is(value, -0) ? '-0' : String(value);
    else if (typeof value === 'string') text = JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...(${value.length})` : value);
    else if (value instanceof Date) text = `Date(${value.getTime()})`;
    else {
      try {
        text = JSON.stringify(value) ?? String(value);
      } catch {
        text = typeof value;
      }
      if (text.length > 60) text = `${text.slice(0, 57)}...`;
    }
    parts.push(`${String(key)}: ${text}`);
  }
  return `{ ${parts.join(', ')} }`;
}
