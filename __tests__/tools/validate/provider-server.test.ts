import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  installedProviders,
  reattachFromOutput,
  startProviderServer,
} from '../../../tools/validate/provider-server';

const REATTACH =
  '{"registry.terraform.io/hashicorp/aws":{"Protocol":"grpc","ProtocolVersion":5,"Pid":42,"Test":true,"Addr":{"Network":"unix","String":"/tmp/plugin1"}}}';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'provider-server-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A stand-in provider: a shell script with the given body. */
function fakeProvider(name: string, body: string): string {
  const file = join(work, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('reattachFromOutput', () => {
  test('reads the setting a provider prints in debug mode', () => {
    const output = `Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:\n\n\tTF_REATTACH_PROVIDERS='${REATTACH}'\n`;
    expect(reattachFromOutput(output)).toBe(REATTACH);
  });

  test('is undefined until the setting is printed', () => {
    expect(reattachFromOutput('Initializing Terraform AWS Provider...\n')).toBeUndefined();
  });

  test('refuses a setting that is not JSON', () => {
    expect(() => reattachFromOutput("TF_REATTACH_PROVIDERS='{nope}'")).toThrow(SyntaxError);
  });
});

test('installedProviders finds the binary terraform init linked into .terraform', () => {
  const mirror = join(work, 'mirror');
  mkdirSync(mirror);
  writeFileSync(join(mirror, 'terraform-provider-aws_v5.100.0_x5'), '');
  writeFileSync(join(mirror, 'LICENSE.txt'), '');
  const host = join(work, 'stack', '.terraform', 'providers', 'registry.terraform.io', 'hashicorp');
  mkdirSync(join(host, 'aws', '5.100.0'), { recursive: true });
  symlinkSync(mirror, join(host, 'aws', '5.100.0', 'linux_amd64'));
  expect(installedProviders(join(work, 'stack'))).toEqual([
    join(host, 'aws', '5.100.0', 'linux_amd64', 'terraform-provider-aws_v5.100.0_x5'),
  ]);
});

describe('startProviderServer', () => {
  test('starts the binary with -debug and the given environment, and stops it', async () => {
    const marker = join(work, 'args');
    const printed = join(work, 'printed');
    writeFileSync(printed, `starting\n  TF_REATTACH_PROVIDERS='${REATTACH}'\n`);
    const binary = fakeProvider(
      'provider-ok',
      `echo "$1 $GOGC" > ${marker}\ncat ${printed}\nexec sleep 30`,
    );
    const server = await startProviderServer(binary, { GOGC: '200', PATH: process.env.PATH ?? '' });
    expect(server.reattach).toBe(REATTACH);
    expect(readFileSync(marker, 'utf8')).toBe('-debug 200\n');
    server.stop();
  });

  test('names the binary and what it printed when it exits before it is ready', async () => {
    const binary = fakeProvider('provider-exits', 'echo "no plugin for you" >&2\nexit 3');
    await expect(startProviderServer(binary, {})).rejects.toThrow(
      `the provider ${binary} exited (3) before it was ready:\nno plugin for you`,
    );
  });

  test('gives up on a provider that never prints the setting', async () => {
    const binary = fakeProvider('provider-silent', 'exec sleep 30');
    await expect(startProviderServer(binary, {}, 200)).rejects.toThrow(
      `the provider ${binary} printed no reattach setting in 200 ms`,
    );
  });

  test('refuses a reattach setting that is not JSON', async () => {
    const binary = fakeProvider(
      'provider-garbled',
      `echo "TF_REATTACH_PROVIDERS='{x}'"\nexec sleep 30`,
    );
    await expect(startProviderServer(binary, {})).rejects.toThrow(
      `the provider ${binary} printed a reattach setting that is not JSON`,
    );
  });

  test('reports a binary that cannot start', async () => {
    await expect(startProviderServer(join(work, 'missing'), {})).rejects.toThrow(
      /could not start \(spawn .*missing ENOENT\)/,
    );
  });
});
