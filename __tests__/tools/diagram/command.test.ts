import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DIAGRAM_FILE, parseDiagramArgs, USAGE, writeDiagrams } from '../../../tools/diagram';

describe('parseDiagramArgs', () => {
  const DOCS = '/repo/docs';

  test.each([[['--help']], [['-h']], [['--dir', 'x', '--help']], [['--bogus', '--help']]])(
    '%j asks for the usage alone, whatever else is there',
    (argv) => {
      expect(parseDiagramArgs(argv, DOCS)).toEqual({ help: true, out: DOCS });
    },
  );

  test('no arguments: synthesize the defaults, write to docs/', () => {
    expect(parseDiagramArgs([], DOCS)).toEqual({ help: false, out: DOCS });
  });

  test('--flag value and --flag=value, resolved from the working folder', () => {
    expect(
      parseDiagramArgs(['--dir', 'cdktf.out', '--out=pics', '--dot', '/tmp/dot'], DOCS),
    ).toEqual({
      help: false,
      dir: resolve('cdktf.out'),
      out: resolve('pics'),
      dot: '/tmp/dot',
    });
  });

  test.each([
    [['--out'], '--out needs a value'],
    [['--dir', '--out', 'x'], '--dir needs a value'],
    [['--dot='], '--dot needs a value'],
    [['--verbose'], 'unknown argument --verbose'],
    [['docs'], 'unknown argument docs'],
  ])('%j is refused with the usage: %s', (argv, message) => {
    expect(() => parseDiagramArgs(argv, DOCS)).toThrow(`${message}\n${USAGE}`);
  });

  test('the usage names every option and the pictures it writes', () => {
    for (const word of [
      '--dir',
      '--out',
      '--dot',
      '--help',
      'architecture.svg',
      'architecture-<tier>.svg',
    ]) {
      expect(USAGE).toContain(word);
    }
  });
});

describe('writeDiagrams', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'diagram-out-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const files = [
    { name: 'architecture.svg', dot: 'digraph o {}', svg: '<svg>o</svg>' },
    { name: 'architecture-data.svg', dot: 'digraph d {}', svg: '<svg>d</svg>' },
  ];

  test('writes each picture, and removes the pictures of a tier no longer drawn, nothing else', () => {
    const out = join(dir, 'docs');
    mkdirSync(out);
    for (const old of [
      'architecture.svg',
      'architecture-cache.svg',
      'architecture-notes.md',
      'other.svg',
    ]) {
      writeFileSync(join(out, old), 'old');
    }
    const result = writeDiagrams(files, out);
    expect(result).toEqual({
      written: [join(out, 'architecture.svg'), join(out, 'architecture-data.svg')],
      removed: [join(out, 'architecture-cache.svg')],
    });
    expect(readdirSync(out).sort()).toEqual([
      'architecture-data.svg',
      'architecture-notes.md',
      'architecture.svg',
      'other.svg',
    ]);
    expect(readFileSync(join(out, 'architecture.svg'), 'utf8')).toBe('<svg>o</svg>');
  });

  test('creates the folders, and writes the DOT of each picture when asked', () => {
    const out = join(dir, 'a', 'b');
    const dots = join(dir, 'dots');
    writeDiagrams(files, out, dots);
    expect(readdirSync(out).sort()).toEqual(['architecture-data.svg', 'architecture.svg']);
    expect(readdirSync(dots).sort()).toEqual(['architecture-data.dot', 'architecture.dot']);
    expect(readFileSync(join(dots, 'architecture-data.dot'), 'utf8')).toBe('digraph d {}');
  });

  test.each([
    ['architecture.svg', true],
    ['architecture-baseline.svg', true],
    ['architecture-.svg', false],
    ['architecture-data.dot', false],
    ['architecture-Data.svg', false],
    ['my-architecture.svg', false],
  ])('%s is one of our pictures: %s', (name, ours) => {
    expect(DIAGRAM_FILE.test(name)).toBe(ours);
  });
});
