/** The arguments of `npm run diagram` and its usage. */
import { resolve } from 'node:path';

export const USAGE = [
  'usage: npm run diagram [-- [--dir <cdktf.out>] [--out <folder>] [--dot <folder>]]',
  '  Draws the architecture from the synthesized stacks: the overview (architecture.svg)',
  '  and one detail view per tier (architecture-<tier>.svg), replacing older ones there.',
  '  --dir   read already synthesized stacks from this folder (default: synthesize the',
  '          default settings into a temporary folder, whatever the environment says)',
  '  --out   the folder to write the pictures to (default: docs/)',
  "  --dot   also write each picture's Graphviz source (<name>.dot) to this folder",
  '  --help  print this and exit',
].join('\n');

export interface DiagramArgs {
  readonly help: boolean;
  /** A cdktf.out folder to read; undefined: synthesize the defaults. */
  readonly dir?: string;
  readonly out: string;
  readonly dot?: string;
}

/**
 * Parses the arguments (`--flag value` or `--flag=value`); paths are resolved from the
 * working folder. `--help` anywhere wins over everything else. Throws with the usage when
 * an argument is wrong.
 */
export function parseDiagramArgs(argv: readonly string[], defaultOut: string): DiagramArgs {
  if (argv.some((a) => a === '--help' || a === '-h')) return { help: true, out: defaultOut };
  const args: { dir?: string; out: string; dot?: string } = { out: defaultOut };
  const flags: Readonly<Record<string, keyof typeof args>> = {
    '--dir': 'dir',
    '--out': 'out',
    '--dot': 'dot',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const key = flags[flag];
    if (!key) throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || value.startsWith('--')) {
      throw new Error(`${flag} needs a value\n${USAGE}`);
    }
    args[key] = resolve(value);
  }
  return { help: false, ...args };
}
