import { SourceMap } from 'node:module';
import { runInNewContext } from 'node:vm';

// The transform jest.config.js names, loaded as jest loads it (a CommonJS module).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transform = require('../../../tools/check/jest-transform.cjs') as {
  canInstrument: boolean;
  process(source: string, filename: string, options?: { instrument: boolean }): { code: string };
  getCacheKey(
    source: string,
    filename: string,
    options: { instrument: boolean; configString: string },
  ): string;
};

interface FileCoverage {
  fnMap: Record<string, { name: string; decl: { start: { line: number; column: number } } }>;
  f: Record<string, number>;
  branchMap: Record<
    string,
    { type: string; loc: { start: { line: number; column: number } }; locations: unknown[] }
  >;
  b: Record<string, number[]>;
  statementMap: Record<string, { start: { line: number } }>;
}

const source = 'export const answer: number = 42;\n';

/** Runs CommonJS output as jest would, in a context of its own. */
function loadCommonJs(code: string) {
  const module = { exports: {} as Record<string, unknown> };
  const context: Record<string, unknown> = { module, exports: module.exports };
  runInNewContext(code, context);
  return { exports: module.exports, context };
}

/** The inline source map at the end of the transform's output. */
function inlineMap(code: string): SourceMap {
  const base64 = code.match(/\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/)![1];
  return new SourceMap(JSON.parse(Buffer.from(base64, 'base64').toString('utf8')));
}
const options = { instrument: true, configString: '{"rootDir":"/p"}' };

describe('the jest transform', () => {
  test('strips the types into CommonJS with an inline source map', () => {
    const { code } = transform.process(source, '/p/answer.ts');
    expect(code).toContain('const answer = 42;');
    expect(code).not.toMatch(/^\s*(import|export)\b/m);
    expect(loadCommonJs(code).exports.answer).toBe(42);
    // The map leads from the CommonJS line back to the first line of the .ts.
    const line = code.split('\n').findIndex((l) => l.includes('const answer = 42;'));
    expect(inlineMap(code).findEntry(line, 0)).toMatchObject({
      originalSource: expect.stringMatching(/\/p\/answer\.ts$/),
      originalLine: 0,
    });
  });

  test('under coverage, counts the .ts source itself (an if without else is two branches) and still emits CommonJS mapped to the .ts', () => {
    expect(transform.canInstrument).toBe(true);
    const ts = [
      'export function check(n: number): number {',
      '  if (n > 1) return n;',
      "  throw new RangeError('small');",
      '}',
      'export const answer: number = check(42);',
      '',
    ].join('\n');
    const { code } = transform.process(ts, '/p/check.ts', { instrument: true });
    expect(code).not.toMatch(/^\s*(import|export)\b/m);
    expect(code).not.toContain(': number');

    // Run it as jest would, in a context of its own: the counters land in its __coverage__.
    const { exports, context } = loadCommonJs(code);
    expect(exports.answer).toBe(42);
    const coverage = (context.__coverage__ as Record<string, FileCoverage>)['/p/check.ts'];
    expect(Object.values(coverage.fnMap).map((f) => [f.name, f.decl.start])).toEqual([
      ['check', { line: 1, column: 16 }],
    ]);
    expect(coverage.f).toEqual({ 0: 1 });
    const [branch] = Object.entries(coverage.branchMap);
    expect(branch[1].type).toBe('if');
    expect(branch[1].loc.start).toEqual({ line: 2, column: 2 });
    expect(branch[1].locations).toHaveLength(2);
    // Taken once; the implicit else (the throw) never.
    expect(coverage.b[branch[0]]).toEqual([1, 0]);
    const lines = Object.values(coverage.statementMap).map((s) => s.start.line);
    expect(new Set(lines)).toEqual(new Set([2, 3, 5]));

    // The inline map leads from the CommonJS back to the TypeScript line of the throw.
    const map = inlineMap(code);
    const throwLine = code.split('\n').findIndex((l) => l.includes('throw new RangeError'));
    const column = code.split('\n')[throwLine].indexOf('throw');
    const entry = map.findEntry(throwLine, column) as {
      originalLine: number;
      originalSource: string;
    };
    expect(entry.originalSource).toMatch(/\/p\/check\.ts$/);
    expect(entry.originalLine).toBe(2); // zero-based: line 3
    // One map: swc replaced the instrumenter's with the chained one.
    expect(code.match(/sourceMappingURL/g)).toHaveLength(1);
  });

  test('under coverage, stops on a coverage comment the instrumenter cannot apply', () => {
    const ts = 'export function f(n: number) {\n  /* istanbul ignore bogus */\n  return n;\n}\n';
    expect(() => transform.process(ts, '/p/f.ts', { instrument: true })).toThrow(
      '/p/f.ts:2: coverage comment `istanbul ignore bogus` is not understood by oxc-coverage-instrument',
    );
    // What it does understand passes.
    const known = ts.replace('bogus', 'next');
    expect(transform.process(known, '/p/f.ts', { instrument: true }).code).toContain(
      '__coverage__',
    );
  });

  test('keys its cache by source, file and coverage instrumentation, not by the run', () => {
    const key = transform.getCacheKey(source, '/p/answer.ts', options);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(transform.getCacheKey(source, '/p/answer.ts', { ...options })).toBe(key);
    // A run without coverage must not hand its uninstrumented code to a run with it.
    expect(
      transform.getCacheKey(source, '/p/answer.ts', { ...options, instrument: false }),
    ).not.toBe(key);
    expect(transform.getCacheKey(`${source}\n`, '/p/answer.ts', options)).not.toBe(key);
    expect(transform.getCacheKey(source, '/p/other.ts', options)).not.toBe(key);
    // jest's config holds the coverage folder, a new one on every test:unit run.
    const otherRun = '{"rootDir":"/p","coverageDirectory":"/tmp/unit-tests-x"}';
    expect(
      transform.getCacheKey(source, '/p/answer.ts', { ...options, configString: otherRun }),
    ).toBe(key);
  });
});
