// Modules a configuration may never use (the TLS stack, SQLite's driver, node-pg, worker threads)
// are loaded on first use instead of at every start: each costs milliseconds of CPU to load.
// CommonJS packages and node: built-ins only, which load synchronously.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A function that loads the module `id` on its first call and returns it from then on. */
export function lazy<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
