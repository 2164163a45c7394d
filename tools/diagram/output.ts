/** Writing the pictures: each file into the output folder, older pictures no longer drawn removed. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGRAM_FILE, DiagramFile } from './diagram';

export interface Written {
  /** Paths written, in the order of the files. */
  readonly written: readonly string[];
  /** Pictures of an earlier run in the folder that this run no longer draws (a tier gone). */
  readonly removed: readonly string[];
}

/**
 * Writes each SVG into `outDir` (and its DOT into `dotDir` when given), and removes the
 * folder's other pictures named like ours (DIAGRAM_FILE), so the folder holds exactly the
 * pictures the current stacks give.
 */
export function writeDiagrams(
  files: readonly DiagramFile[],
  outDir: string,
  dotDir?: string,
): Written {
  mkdirSync(outDir, { recursive: true });
  const names = new Set(files.map((f) => f.name));
  const removed = readdirSync(outDir)
    .filter((f) => DIAGRAM_FILE.test(f) && !names.has(f))
    .sort()
    .map((f) => join(outDir, f));
  for (const path of removed) rmSync(path);
  const written = files.map((f) => {
    const path = join(outDir, f.name);
    writeFileSync(path, f.svg);
    return path;
  });
  if (dotDir) {
    mkdirSync(dotDir, { recursive: true });
    for (const f of files) writeFileSync(join(dotDir, f.name.replace(/\.svg$/, '.dot')), f.dot);
  }
  return { written, removed };
}
