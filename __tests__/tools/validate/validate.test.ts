import { formatDiagnostics, validationKey } from '../../../tools/validate/validate';

describe('validate report', () => {
  it('prints one line per diagnostic with where and detail', () => {
    expect(
      formatDiagnostics('TapStackdev', {
        valid: false,
        error_count: 1,
        warning_count: 1,
        diagnostics: [
          {
            severity: 'error',
            summary: 'Unsupported argument',
            detail: 'An argument named "x"\n  is not expected.',
            range: { filename: 'cdk.tf.json', start: { line: 12 } },
          },
          { severity: 'warning', summary: 'Deprecated', address: 'aws_s3_bucket.b' },
        ],
      }),
    ).toEqual([
      '    TapStackdev: error: Unsupported argument (cdk.tf.json:12) — An argument named "x" is not expected.',
      '    TapStackdev: warning: Deprecated (aws_s3_bucket.b)',
    ]);
  });
});

describe('validate cache key', () => {
  it('changes with the stack JSON and with the provider, and only then', () => {
    const key = validationKey('{"resource":{}}', '/mirror/aws_v5.100.0:123');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(validationKey('{"resource":{}}', '/mirror/aws_v5.100.0:123')).toBe(key);
    expect(validationKey('{"resource":{"a":{}}}', '/mirror/aws_v5.100.0:123')).not.toBe(key);
    expect(validationKey('{"resource":{}}', '/mirror/aws_v5.101.0:124')).not.toBe(key);
  });
});
