// The baseline: parse every YAML file of a folder with js-yaml (no positions), and count the documents.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';

let documents = 0;
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (/\.ya?ml$/.test(entry.name)) {
      try {
        jsYaml.loadAll(readFileSync(path, 'utf8'), () => documents++);
      } catch {
        // counted as unparsable by the scan; the baseline only reads
      }
    }
  }
};
walk(process.argv[2]);
console.log(documents);
