import type { CliIo } from './io.ts';

/** A "files read / total" line on a terminal's stderr, rewritten in place and cleared at the end; nothing elsewhere. */
export function progressLine(io: CliIo, enabled: boolean): { update(read: number, total: number): void; done(): void } {
  let shown = false;
  return {
    update(read, total) {
      if (!enabled || !io.progress || total < 1000) return;
      io.stderr(`\rscanning: ${read}/${total} files`);
      shown = true;
    },
    done() {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}
