// Part of `npm run build`: compiles native/udp_recv.c (the udp input's batched receive) into
// dist/native/udp_recv.node (or the path given as the argument) with the C compiler and the
// headers of the Node that runs this script, no node-gyp needed.
// It is optional: without a compiler or headers the udp input reads through node:dgram, so a
// missing toolchain is a warning here. MAILLOGD_NATIVE=required makes it an error (CI, packages).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'udp_recv.c');
const target = resolve(process.argv[2] ?? join(root, 'dist', 'native', 'udp_recv.node'));
const required = process.env.MAILLOGD_NATIVE === 'required';

function give_up(why) {
  const text = `maillogd: the batched UDP receive is not built (${why}); the udp input will read through node:dgram`;
  if (required) {
    console.error(`${text}\nMAILLOGD_NATIVE=required: failing the build`);
    process.exit(1);
  }
  console.warn(text);
  process.exit(0);
}

function headerDir() {
  const candidates = [
    process.env.MAILLOGD_NODE_INCLUDE,
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    resolve(dirname(process.execPath), '..', 'include', 'node'),
    process.env.HOME && join(process.env.HOME, '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
  ];
  return candidates.find((d) => d && existsSync(join(d, 'node_api.h')) && existsSync(join(d, 'uv.h')));
}

if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) process.exit(0);
const include = headerDir();
if (!include) give_up(`no Node.js headers (node_api.h, uv.h) beside ${process.execPath}; set MAILLOGD_NODE_INCLUDE`);
mkdirSync(dirname(target), { recursive: true });
const cc = process.env.CC || 'cc';
const args = ['-std=gnu11', '-O2', '-fPIC', '-shared', '-Wall', '-Wextra', '-Werror',
  '-DNAPI_VERSION=8', `-I${include}`, '-o', `${target}.tmp`, source];
const run = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (run.error) give_up(`${cc}: ${run.error.message}`);
if (run.status !== 0) give_up(`${cc} exited with ${run.status ?? run.signal}`);
spawnSync('mv', ['-f', `${target}.tmp`, target]);
