// Writes docs/rules/README.md from the rules' metadata.
import { writeFileSync } from 'node:fs';
import { rulesReference } from '../src/rules/reference.ts';

writeFileSync(new URL('../docs/rules/README.md', import.meta.url), rulesReference());
