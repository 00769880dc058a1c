// The measure node's reading policy in numbers.

/** The first automatic read comes shortly after start, not a whole interval later. */
export const FIRST_READ_DELAY_MS = 2000;
/**
 * A range of more pages than this is a backfill (resumable, sent as one message or as parts,
 * beside the node's regular reads). Not to be confused with the client's
 * BACKGROUND_PRIORITY_PAGES (src/netatmo/measures.ts), its place in the rate budget.
 */
export const BACKFILL_PAGES = 2;
/**
 * An `auto` node whose module the account's lines do not say (yet: the cloud may be down at
 * deploy) tries again after this; the line directory asks no sooner anyway (LINE_RETRY_MS).
 */
export const UNRESOLVED_RETRY_MS = 10 * 60_000;
