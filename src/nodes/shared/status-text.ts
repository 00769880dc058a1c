// How a node hands a failure to Node-RED (`done(err)`), shared by every node.
import { errorText } from '../../lib/text';

/**
 * The text that done(err) and node.error get, in the user's language (`describe`).
 *
 * Why a string and not an Error: Node-RED shows an Error in the debug sidebar as a collapsed
 * `{ name, message, stack }` object whose preview is cut, and hands Catch nodes
 * `err.toString()`, that is "Error: …" in front of our text. A string is shown whole in the
 * sidebar and reaches a Catch node's `msg.error.message` exactly as written.
 */
export function failureText(err: unknown, describe: (err: unknown) => string = errorText): string {
  return describe(err);
}

/** Node-RED's typings say done takes an Error; its runtime takes any value and reports a string as it is. */
type DoneWithText = (err?: Error | string) => void;

/** `done(err)` with the readable text of `err` (see failureText). */
export function fail(done: (err?: Error) => void, err: unknown, describe: (err: unknown) => string = errorText): void {
  (done as DoneWithText)(failureText(err, describe));
}
