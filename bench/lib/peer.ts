/**
 * The peer engine of a benchmark: this repository at another commit, checked out beside it as a
 * detached git worktree (its node_modules linked to this one's), removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function checkoutPeer(commit: string): Promise<{ root: string; remove(): Promise<void> }> {
  const here = process.cwd();
  const root = join(await mkdtemp(join(tmpdir(), 'cs-bench-peer-')), 'repo');
  execFileSync('git', ['worktree', 'add', '--detach', root, commit], { cwd: here, stdio: 'ignore' });
  await symlink(join(here, 'node_modules'), join(root, 'node_modules'));
  return {
    root,
    async remove() {
      execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: here, stdio: 'ignore' });
    },
  };
}
