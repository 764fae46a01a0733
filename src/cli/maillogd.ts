#!/usr/bin/env node
// maillogd: the daemon's command line. Exit codes follow sysexits: 0 ok, 64 usage, 70 internal
// error, 71 cannot start (a port in use, a directory that cannot be made), 78 bad config.

import { parseArgs } from 'node:util';
import { loadConfig } from '../config/validate.js';
import { formatProblem, type ConfigProblem } from '../config/schema.js';
import { Daemon } from '../daemon/daemon.js';
import { rotateMain } from './rotate.js';
import { VERSION } from '../version.js';

const USAGE = `usage: maillogd [--config FILE] [--check-config] [--debug] [--version]
       maillogd rotate [--help] [options] NAME...   (rotate log files, then make the daemon reopen them)

  --config FILE    INI configuration (default: the embedded development config,
                   which listens on 127.0.0.1:5514 udp+tcp and 127.0.0.1:2000 udp
                   and writes under ./var/log/maillogd)
  --check-config   validate the configuration, list every problem, exit 0 or 78
  --debug          also echo every record to stdout and the daemon's messages to stderr
  --version        print the version
`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'rotate') return rotateMain(argv.slice(1));
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        'check-config': { type: 'boolean' },
        debug: { type: 'boolean', short: 'd' },
        version: { type: 'boolean', short: 'V' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`maillogd: ${(err as Error).message}\n${USAGE}`);
    return 64;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.version) {
    process.stdout.write(`maillogd ${VERSION}\n`);
    return 0;
  }
  const problems: ConfigProblem[] = [];
  const config = loadConfig(args.config ?? null, problems);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`maillogd: config: ${formatProblem(p)}\n`);
    process.stderr.write(`maillogd: ${problems.length} configuration problem${problems.length > 1 ? 's' : ''} in ${config.files[0]}\n`);
    return 78;
  }
  if (args['check-config']) {
    process.stdout.write(`maillogd: configuration OK (${config.files.join(', ')})\n`);
    return 0;
  }

  // Signals are taken from here on: a HUP (logrotate) or TERM that arrives while the daemon is
  // still starting must not kill it with Node's default action; it is acted on once started.
  let daemon: Daemon | null = null;
  let reopenPending = false;
  const reopen = (d: Daemon) => d.reopen().catch((err: Error) => d.log.error(`reopen failed: ${err.message}`));
  process.on('SIGHUP', () => {
    if (daemon) void reopen(daemon);
    else reopenPending = true;
  });
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  try {
    daemon = await Daemon.start(config, { debug: !!args.debug, stderr: true });
  } catch (err) {
    process.stderr.write(`maillogd: cannot start: ${(err as Error).message}\n`);
    return 71;
  }
  if (reopenPending) void reopen(daemon);
  const signal = await stopSignal;
  daemon.log.notice(`${signal} received, stopping`);
  try {
    await daemon.stop();
    return 0;
  } catch (err) {
    process.stderr.write(`maillogd: error while stopping: ${(err as Error).message}\n`);
    return 70;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`maillogd: internal error: ${err.stack ?? err.message}\n`);
    process.exit(70);
  },
);
