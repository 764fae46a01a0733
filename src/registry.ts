// Every input and output type, by its config `type`. Adding a protocol = one folder + one line here.

import type { Input, InputContext, Output, OutputContext } from './component.js';
import type { Spec, SpecValue } from './config/schema.js';
import { udpInputSpec } from './inputs/udp/config.js';
import { createUdpInput } from './inputs/udp/index.js';
import { tcpInputSpec } from './inputs/tcp/config.js';
import { createTcpInput } from './inputs/tcp/index.js';
import { unixInputSpec } from './inputs/unix/config.js';
import { createUnixInput } from './inputs/unix/index.js';
import { journalInputSpec } from './inputs/journal/config.js';
import { createJournalInput } from './inputs/journal/index.js';
import { relpInputSpec } from './inputs/relp/config.js';
import { createRelpInput } from './inputs/relp/index.js';
import { checkTlsClient, checkTlsServer } from './util/tls.js';
import { checkFileOutput, fileOutputSpec } from './outputs/file/config.js';
import { createFileOutput } from './outputs/file/index.js';
import { axigenOutputSpec, checkAxigenOutput, createAxigenOutput } from './outputs/axigen/index.js';
import { checkEmgOutput, createEmgOutput, emgOutputSpec } from './outputs/emg/index.js';
import { checkMmdfOutput, createMmdfOutput, mmdfOutputSpec } from './outputs/mmdf/index.js';
import { checkMomentumOutput, createMomentumOutput, momentumOutputSpec } from './outputs/momentum/index.js';
import { createSqliteOutput, sqliteOutputSpec } from './outputs/sqlite/index.js';
import { checkPostgresOutput, createPostgresOutput, postgresOutputSpec } from './outputs/postgres/index.js';
import { createForwardOutput, forwardOutputSpec } from './outputs/forward/index.js';
import { checkClusterOutput, clusterOutputSpec, createClusterOutput } from './outputs/cluster/index.js';

export interface InputType<S extends Spec = Spec> {
  readonly spec: S;
  readonly create: (config: SpecValue<S>, ctx: InputContext) => Input;
  /** Checks that need more than one key; returns problems as [key, message]. */
  readonly check?: (config: SpecValue<S>, logRoot: string) => [string, string][];
}
export interface OutputType<S extends Spec = Spec> {
  readonly spec: S;
  readonly create: (config: SpecValue<S>, ctx: OutputContext) => Output;
  /** Checks that need more than one key (paths inside the log root, ...); returns problems as [key, message]. */
  readonly check?: (config: SpecValue<S>, logRoot: string) => [string, string][];
  /** It reads what the rules give it from the daemon's journal (which is then kept). */
  readonly readsJournal?: boolean;
}

function input<S extends Spec>(t: InputType<S>): InputType {
  return t as unknown as InputType;
}
function output<S extends Spec>(t: OutputType<S>): OutputType {
  return t as unknown as OutputType;
}

export const INPUT_TYPES: Readonly<Record<string, InputType>> = {
  udp: input({ spec: udpInputSpec, create: createUdpInput }),
  tcp: input({ spec: tcpInputSpec, create: createTcpInput, check: checkTlsServer }),
  unix: input({ spec: unixInputSpec, create: createUnixInput }),
  journal: input({ spec: journalInputSpec, create: createJournalInput }),
  relp: input({ spec: relpInputSpec, create: createRelpInput, check: checkTlsServer }),
};

export const OUTPUT_TYPES: Readonly<Record<string, OutputType>> = {
  file: output({ spec: fileOutputSpec, create: createFileOutput, check: checkFileOutput }),
  axigen: output({ spec: axigenOutputSpec, create: createAxigenOutput, check: checkAxigenOutput }),
  emg: output({ spec: emgOutputSpec, create: createEmgOutput, check: checkEmgOutput }),
  mmdf: output({ spec: mmdfOutputSpec, create: createMmdfOutput, check: checkMmdfOutput }),
  momentum: output({ spec: momentumOutputSpec, create: createMomentumOutput, check: checkMomentumOutput }),
  sqlite: output({ spec: sqliteOutputSpec, create: createSqliteOutput }),
  postgres: output({ spec: postgresOutputSpec, create: createPostgresOutput, check: checkPostgresOutput }),
  forward: output({ spec: forwardOutputSpec, create: createForwardOutput, check: checkTlsClient, readsJournal: true }),
  cluster: output({ spec: clusterOutputSpec, create: createClusterOutput, check: checkClusterOutput }),
};
