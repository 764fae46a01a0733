// npm run docs: rewrites the generated key reference in docs/CONFIG.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { withReference } from '../src/config/reference.js';

const file = new URL('../docs/CONFIG.md', import.meta.url);
writeFileSync(file, withReference(readFileSync(file, 'utf8')));
