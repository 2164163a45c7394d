import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthDifferences, withoutFrameworkVersion } from '../../../tools/synth/framework';

/** A synth output with one stack: `resource` and the framework `version` as given. */
function output(version: string, resource: object, asset = 'zip'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'framework-'));
  fs.mkdirSync(path.join(dir, 'stacks', 'S', 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ stacks: { S: {} }, version }));
  const stack = { '//': { metadata: { version, stackName: 'S' } }, resource };
  // cdktf and cdktn format empty arrays differently: compared parsed, not as text.
  fs.writeFileSync(
    path.join(dir, 'stacks', 'S', 'cdk.tf.json'),
    JSON.stringify(stack, null, version === '0.21.0' ? 2 : 1),
  );
  fs.writeFileSync(path.join(dir, 'stacks', 'S', 'assets', 'fn.zip'), asset);
  return dir;
}

describe('synthDifferences', () => {
  const resource = { aws_vpc: { v: { cidr_block: '10.40.0.0/16', tags: [] } } };

  it('sees no difference when only the framework version differs', () => {
    expect(synthDifferences(output('0.21.0', resource), output('0.24.0', resource))).toEqual([]);
  });

  it('names a stack whose Terraform differs, a file only one side has, and different bytes', () => {
    const a = output('0.21.0', resource);
    const b = output(
      '0.24.0',
      { aws_vpc: { v: { cidr_block: '10.41.0.0/16', tags: [] } } },
      'other',
    );
    fs.writeFileSync(path.join(b, 'stacks', 'S', 'extra.json'), '{}');
    expect(synthDifferences(a, b)).toEqual([
      'stacks/S/extra.json: only under cdktn',
      'stacks/S/assets/fn.zip: the bytes differ between cdktf and cdktn',
      'stacks/S/cdk.tf.json: the Terraform JSON differs between cdktf and cdktn',
    ]);
  });

  it('refuses a folder that holds no synthesized app', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'framework-'));
    expect(synthDifferences(empty, output('0.24.0', resource))).toEqual([
      `${empty} holds no synthesized app`,
    ]);
  });

  it('drops only the framework version', () => {
    expect(
      withoutFrameworkVersion(
        { '//': { metadata: { version: '1', stackName: 'S' } }, version: '1' },
        'stacks/S/cdk.tf.json',
      ),
    ).toEqual({ '//': { metadata: { stackName: 'S' } }, version: '1' });
    expect(withoutFrameworkVersion({ stacks: {}, version: '1' }, 'manifest.json')).toEqual({
      stacks: {},
    });
  });
});
