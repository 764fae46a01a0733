// The journal library: a durable append-only log in a directory with named subscribers (jlog's
// model). It imports nothing from the rest of maillogd.

export { Journal, type JournalEntry, type JournalOptions, type JournalRecovery, type JournalStats } from './journal.js';
export { UnknownSubscriberError, isSubscriberName } from './checkpoints.js';
