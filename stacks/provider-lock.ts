/**
 * The committed provider lock (`.terraform.lock.hcl` at the project root: hashicorp/aws with
 * its checksums for every platform it is released for) copied into each synthesized stack
 * folder. Every path that runs `terraform init` there (`npm run deploy`, `cdktf deploy`,
 * `terraform init` in CI) then installs exactly that version and verifies it against the
 * checksums, from the public registry or a local mirror alike, and the cdktf CLI, finding a
 * lock that matches, skips its `terraform providers lock` (which needs the registry).
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROVIDER_LOCK_FILE = '.terraform.lock.hcl';

/** `lockFile`, or an error saying what it is for when it is missing. */
export function requireProviderLock(lockFile: string): string {
  if (!existsSync(lockFile)) {
    throw new Error(
      `${lockFile} is missing: it pins the AWS provider and its checksums for every stack (restore it from git)`,
    );
  }
  return lockFile;
}

/** Copies `lockFile` into the folder of every stack in `<outdir>/manifest.json`; returns them. */
export function copyProviderLock(outdir: string, lockFile: string): string[] {
  requireProviderLock(lockFile);
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  const copied: string[] = [];
  for (const stack of Object.values(manifest.stacks)) {
    const target = join(outdir, stack.workingDirectory, PROVIDER_LOCK_FILE);
    copyFileSync(lockFile, target);
    copied.push(target);
  }
  return copied;
}
