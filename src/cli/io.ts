/** Where a command writes, and what the terminal can show. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal that wants colour (NO_COLOR and FORCE_COLOR are honoured). */
  color: boolean;
  cwd: string;
  /** Whether stderr is a terminal, where long runs may show a progress line. */
  progress?: boolean;
}

/** The process's own streams. */
export function processIo(): CliIo {
  const env = process.env;
  const color = env.NO_COLOR ? false : env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : process.stdout.isTTY === true && env.TERM !== 'dumb';
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color,
    cwd: process.cwd(),
    progress: process.stderr.isTTY === true,
  };
}
