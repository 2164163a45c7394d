/**
 * The import blocks of an adoption (Terraform 1.5+ JSON: `{"import": [{"to", "id"}]}`), in a
 * file of the run's own stack folder: planned, reviewed and applied there, never written
 * into the project or a shared folder.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const IMPORTS_FILE = 'recover_imports.tf.json';

export interface ImportBlock {
  readonly to: string;
  readonly id: string;
}

/** The file's JSON text, sorted by address. */
export function importsJson(blocks: readonly ImportBlock[]): string {
  const sorted = [...blocks].sort((a, b) => a.to.localeCompare(b.to));
  return `${JSON.stringify({ import: sorted.map(({ to, id }) => ({ to, id })) }, null, 2)}\n`;
}

/** Writes the blocks into the stack folder (none: removes the file); returns its path. */
export function writeImports(stackDir: string, blocks: readonly ImportBlock[]): string {
  const file = join(stackDir, IMPORTS_FILE);
  if (blocks.length === 0) rmSync(file, { force: true });
  else writeFileSync(file, importsJson(blocks));
  return file;
}
