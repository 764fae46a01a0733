// Starts a worker thread on a module beside the caller, whether the caller runs compiled (dist/,
// the packages: `name.js`) or from the TypeScript sources under tsx (tests, benchmarks). Node 20
// does not carry tsx's loader into a worker, so from the sources the worker registers it first.

import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { lazy } from './lazy.js';

const threads = lazy<typeof import('node:worker_threads')>('node:worker_threads');

/** A worker running the module `name` (without extension) in the directory of `callerUrl`. */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  if (!callerUrl.endsWith('.ts')) return new (threads().Worker)(new URL(`./${name}.js`, callerUrl), options);
  const script = new URL(`./${name}.ts`, callerUrl).href;
  const boot = `import(${JSON.stringify(tsxApi(callerUrl))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`;
  return new (threads().Worker)(boot, { ...options, eval: true });
}

/** tsx's ESM API (`tsx/esm/api` under the `import` condition), found from the caller's place. */
function tsxApi(callerUrl: string): string {
  const req = createRequire(callerUrl);
  const pkg = req.resolve('tsx/package.json');
  const exports = (req(pkg) as { exports: Record<string, { import?: { default?: string } }> }).exports;
  const entry = exports['./esm/api']?.import?.default;
  if (!entry) throw new Error(`${pkg} has no ./esm/api export`);
  return pathToFileURL(path.join(path.dirname(pkg), entry)).href;
}
