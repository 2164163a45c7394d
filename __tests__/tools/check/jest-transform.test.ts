// The transform jest.config.js names, loaded as jest loads it (a CommonJS module).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transform = require('../../../tools/check/jest-transform.cjs') as {
  process(source: string, filename: string): { code: string };
  getCacheKey(
    source: string,
    filename: string,
    options: { instrument: boolean; configString: string },
  ): string;
};

const source = 'export const answer: number = 42;\n';
const options = { instrument: true, configString: '{"rootDir":"/p"}' };

describe('the jest transform', () => {
  test('strips the types into CommonJS with an inline source map', () => {
    const { code } = transform.process(source, '/p/answer.ts');
    expect(code).toContain('const answer = 42;');
    expect(code).toContain('module.exports = __toCommonJS(');
    expect(code).toMatch(/\/\/# sourceMappingURL=data:application\/json;base64,/);
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
