// Entry of the receiver thread when the daemon runs from its TypeScript sources (tests,
// development): loader hooks of the main thread do not reach worker threads, so this thread
// registers the TypeScript loader itself before loading receiver.ts. The built daemon runs
// dist/inputs/udp/receiver.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./receiver.ts');
