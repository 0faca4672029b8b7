import { dirname } from 'node:path';
import { InputError } from '../core/errors.ts';
import { git, gitWorkTree } from '../registry/git.ts';
import type { ChangeOutcome } from './change.ts';

/** Where a server pushes its commits: the remote and branch its clone follows. */
export interface PushTarget {
  root: string;
  remote: string;
  branch: string;
}

/** Checks that the registry's clone can push (a work tree, a branch with an upstream, nothing uncommitted) and says where to. */
export function pushTarget(registryFile: string): PushTarget {
  const tree = gitWorkTree(dirname(registryFile));
  if ('missing' in tree) throw new InputError(`--push needs the registry in a git clone: ${tree.missing}`);
  const root = tree.root;
  let upstream: string;
  try {
    upstream = git(root, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']);
  } catch {
    throw new InputError(`--push: the branch checked out in ${root} follows no remote branch`, undefined, 'clone the registry repository, or set one with `git branch --set-upstream-to origin/main`');
  }
  const slash = upstream.indexOf('/');
  if (git(root, ['status', '--porcelain', '--untracked-files=no']) !== '') {
    throw new InputError(`--push: ${root} has uncommitted changes`, undefined, '--push resets its clone to the remote before each change: give it a clone of its own');
  }
  return { root, remote: upstream.slice(0, slash), branch: upstream.slice(slash + 1) };
}

/**
 * Makes a change and pushes its commit, the push being the compare-and-swap between servers that
 * share a remote: before each try the clone is reset to the remote's head, and when the push is
 * rejected (someone pushed first) the change is decided again on the new head and pushed again.
 */
export async function changeAndPush<T>(target: PushTarget, change: () => Promise<ChangeOutcome<T>>, options: { attempts?: number } = {}): Promise<ChangeOutcome<T> & { pushes: number }> {
  const attempts = options.attempts ?? 50;
  for (let attempt = 1; ; attempt++) {
    git(target.root, ['fetch', '--quiet', target.remote, target.branch]);
    git(target.root, ['reset', '--quiet', '--hard', `${target.remote}/${target.branch}`]);
    const outcome = await change();
    if (outcome.commit === undefined) return { ...outcome, pushes: 0 };
    try {
      git(target.root, ['push', '--quiet', target.remote, `HEAD:${target.branch}`]);
      return { ...outcome, pushes: attempt };
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? error);
      const rejected = /rejected|non-fast-forward|fetch first|failed to update ref|cannot lock ref/.test(stderr);
      if (!rejected || attempt >= attempts) {
        git(target.root, ['reset', '--quiet', '--hard', `${target.remote}/${target.branch}`]);
        throw new InputError(`the change was committed but not pushed to ${target.remote}/${target.branch}: ${stderr.trim()}`, undefined, rejected ? `${attempts} tries were rejected; try again` : 'check that the remote can be reached and written');
      }
      // Someone pushed first: wait a little, so that the servers do not all retry at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
