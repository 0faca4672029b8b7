// Bundles the CLI into dist/: a tiny entry that answers --version at once, and the rest in chunks;
// and the dashboard into dist/ui/ (its page, script and style), which `portolan serve` serves.
import { build } from 'esbuild';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  // The admission worker is an entry of its own: the webhook starts it as a worker thread by file.
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts', 'admission-worker': 'src/server/admission-worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  define: { PORTOLAN_VERSION: JSON.stringify(version) },
  banner: { js: "import { createRequire as __portolanRequire } from 'node:module'; const require = __portolanRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});

// The dashboard: one script and one style sheet for the browser, no inline code (the page's CSP forbids it).
await build({
  entryPoints: { app: 'ui/src/main.tsx' },
  outdir: 'dist/ui',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
copyFileSync(new URL('../ui/index.html', import.meta.url), new URL('../dist/ui/index.html', import.meta.url));
copyFileSync(new URL('../ui/app.css', import.meta.url), new URL('../dist/ui/app.css', import.meta.url));
