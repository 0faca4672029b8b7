import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';

/** Runs git in `cwd` and returns its output, trimmed; throws when git fails or is missing. */
export function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The top folder of the git work tree holding `folder`, or why there is none. */
export function gitWorkTree(folder: string): { root: string } | { missing: string } {
  try {
    return { root: git(folder, ['rev-parse', '--show-toplevel']) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { missing: code === 'ENOENT' ? 'git is not installed' : `${folder} is not inside a git repository` };
  }
}

/** The files (of those given) that differ from the last commit or are not tracked, with git's status letters. */
export function uncommittedFiles(root: string, files: readonly string[]): { file: string; status: string }[] {
  if (files.length === 0) return [];
  const output = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', ...files.map((f) => relative(root, f))], {
    cwd: root,
    encoding: 'utf8',
  });
  return output
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ status: line.slice(0, 2).trim(), file: line.slice(3) }));
}

/** Commits exactly `files` (whatever else is staged stays staged) and returns the new commit's id. */
export function commitFiles(root: string, files: readonly string[], message: string): string {
  const paths = files.map((f) => relative(root, f));
  git(root, ['add', '--', ...paths]);
  git(root, ['commit', '--quiet', '-m', message, '--only', '--', ...paths]);
  return git(root, ['rev-parse', 'HEAD']);
}
