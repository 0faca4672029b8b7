/** Exit codes, as kubeconform and ESLint use them. */
export const EXIT = {
  /** Nothing at error severity was found. */
  clean: 0,
  /** Findings at error severity. */
  findings: 1,
  /** The input or the command line was wrong. */
  usage: 2,
} as const;
