import { measure, treeRssKiB } from '../../../tools/bench/measure';
import { median, perAddedStack, renderTable, summarize } from '../../../tools/bench/stats';
import { namespaceOf, toRootImports } from '../../../tools/bench/stock-project';

describe('stock project rewrite', () => {
  it('maps a module name to the namespace the package root exports', () => {
    expect(namespaceOf('db-instance')).toBe('dbInstance');
    expect(namespaceOf('wafv2-web-acl-logging-configuration')).toBe(
      'wafv2WebAclLoggingConfiguration',
    );
    expect(namespaceOf('provider')).toBe('provider');
  });

  it('turns deep imports into package-root aliases, types included', () => {
    const source = [
      "import { Construct } from 'constructs';",
      "import { DbInstance, DbInstanceConfig as Cfg } from '@cdktf/provider-aws/lib/db-instance';",
      "import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';",
      "import {\n  IamRole,\n  type IamRoleConfig,\n} from '@cdktf/provider-aws/lib/iam-role';",
      'new DbInstance();',
    ].join('\n');
    expect(toRootImports(source)).toBe(
      [
        "import * as aws from '@cdktf/provider-aws';",
        "import { Construct } from 'constructs';",
        'import DbInstance = aws.dbInstance.DbInstance;',
        'import Cfg = aws.dbInstance.DbInstanceConfig;',
        'import KmsKey = aws.kmsKey.KmsKey;',
        'import IamRole = aws.iamRole.IamRole;',
        'import IamRoleConfig = aws.iamRole.IamRoleConfig;',
        'new DbInstance();',
      ].join('\n'),
    );
  });

  it('leaves files without provider imports alone', () => {
    expect(toRootImports("import { App } from 'cdktf';\n")).toBe("import { App } from 'cdktf';\n");
  });
});

describe('statistics', () => {
  it('takes medians of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('summarizes the median time and the highest memory', () => {
    expect(
      summarize([
        { seconds: 1, peakRssMiB: 100 },
        { seconds: 3, peakRssMiB: 90 },
        { seconds: 2, peakRssMiB: 120 },
      ]),
    ).toEqual({ seconds: 2, peakRssMiB: 120 });
  });

  it('computes the marginal cost per added stack', () => {
    expect(perAddedStack({ stacks: 1, seconds: 0.5 }, { stacks: 16, seconds: 1.25 })).toBeCloseTo(
      0.05,
    );
    expect(() => perAddedStack({ stacks: 4, seconds: 1 }, { stacks: 4, seconds: 1 })).toThrow(
      RangeError,
    );
  });

  it('renders a Markdown table with ratios against the baseline row', () => {
    const table = renderTable([
      { name: 'ours', samples: [{ seconds: 0.5, peakRssMiB: 150 }], baseline: 'stock' },
      { name: 'stock', samples: [{ seconds: 10, peakRssMiB: 1500 }], note: 'ts-node' },
    ]);
    expect(table.split('\n')).toEqual([
      '| measurement | runs | median wall | peak RSS | vs. | note |',
      '| --- | ---: | ---: | ---: | --- | --- |',
      '| ours | 1 | 0.50 s | 150 MiB | 5% of stock |  |',
      '| stock | 1 | 10.00 s | 1500 MiB |  | ts-node |',
    ]);
  });
});

describe('measure', () => {
  it('reports wall time and the peak memory of the process tree', async () => {
    const sample = await measure('node', [
      '-e',
      'const b = Buffer.alloc(80 * 2 ** 20, 1); setTimeout(() => b.length, 150);',
    ]);
    // 150 ms alive: several of measure's samples (one per 20 ms) see the 80 MiB.
    expect(sample.seconds).toBeGreaterThan(0.15);
    expect(sample.peakRssMiB).toBeGreaterThan(80);
  });

  it('fails with the command and its stderr when it exits non-zero', async () => {
    await expect(measure('node', ['-e', 'console.error("boom"); process.exit(3)'])).rejects.toThrow(
      /exited 3:\nboom/,
    );
  });

  it('counts nothing for a process that does not exist', () => {
    expect(treeRssKiB(2 ** 22 + 7)).toBe(0);
  });
});
