/**
 * The project's own Terraform CLI configuration. The machines this project runs on
 * have no Terraform registry: the AWS provider comes from a filesystem mirror (see
 * docs/e2e.md). Every script that starts `terraform` or `cdktf` takes its environment
 * from `terraformEnv()`, so the user's ~/.terraformrc (or a TF_CLI_CONFIG_FILE that
 * points nowhere) never decides where providers come from.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Overrides the mirror root (the folder that holds `registry.terraform.io/`). */
export const MIRROR_ENV = 'TF_PROVIDER_MIRROR';

/** Places searched, in order, when TF_PROVIDER_MIRROR is not set. */
export function defaultMirrorCandidates(home = os.homedir()): string[] {
  return [
    '/opt/tf-plugins',
    path.join(home, '.terraform.d', 'plugins'),
    path.join(home, '.local', 'share', 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
}

/** Terraform's platform name for this machine, e.g. `linux_amd64`. */
export function terraformPlatform(
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  const osName = platform === 'win32' ? 'windows' : platform;
  const archName =
    ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[arch] ??
    arch;
  return `${osName}_${archName}`;
}

export interface ProviderInMirror {
  readonly version: string;
  readonly path: string;
}

/**
 * Finds hashicorp/aws for this platform under a mirror root, in either layout
 * Terraform reads: unpacked (`.../aws/<version>/<platform>/terraform-provider-aws_*`)
 * or packed (`.../aws/terraform-provider-aws_<version>_<platform>.zip`).
 */
export function findAwsProvider(
  mirrorRoot: string,
  platform = terraformPlatform(),
  fsImpl: Pick<typeof fs, 'existsSync' | 'readdirSync'> = fs,
): ProviderInMirror[] {
  const base = path.join(mirrorRoot, 'registry.terraform.io', 'hashicorp', 'aws');
  if (!fsImpl.existsSync(base)) return [];
  const found: ProviderInMirror[] = [];
  for (const entry of fsImpl.readdirSync(base) as string[]) {
    const packed = new RegExp(`^terraform-provider-aws_(.+)_${platform}\\.zip$`).exec(entry);
    if (packed) {
      found.push({ version: packed[1], path: path.join(base, entry) });
      continue;
    }
    const dir = path.join(base, entry, platform);
    if (!fsImpl.existsSync(dir)) continue;
    const binary = (fsImpl.readdirSync(dir) as string[]).find((f) =>
      f.startsWith('terraform-provider-aws'),
    );
    if (binary) found.push({ version: entry, path: path.join(dir, binary) });
  }
  return found;
}

export class ProviderMirrorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderMirrorError';
  }
}

/**
 * The mirror root: TF_PROVIDER_MIRROR when set (and it must then hold the provider),
 * else the first default place that holds hashicorp/aws for this platform.
 */
export function resolveProviderMirror(
  env: Readonly<Record<string, string | undefined>> = process.env,
  candidates: readonly string[] = defaultMirrorCandidates(),
  find: (root: string) => ProviderInMirror[] = (root) => findAwsProvider(root),
): { root: string; providers: ProviderInMirror[] } {
  const platform = terraformPlatform();
  const explicit = env[MIRROR_ENV]?.trim();
  if (explicit) {
    const root = path.resolve(explicit);
    const providers = find(root);
    if (providers.length === 0) {
      throw new ProviderMirrorError(
        `${MIRROR_ENV}=${explicit} holds no hashicorp/aws provider for ${platform}: expected ` +
          `${path.join(root, 'registry.terraform.io/hashicorp/aws/<version>', platform, 'terraform-provider-aws_*')} ` +
          `(or the packed .zip). Point ${MIRROR_ENV} at the folder that contains registry.terraform.io/.`,
      );
    }
    return { root, providers };
  }
  for (const root of candidates) {
    const providers = find(root);
    if (providers.length > 0) return { root, providers };
  }
  throw new ProviderMirrorError(
    `No Terraform provider mirror with hashicorp/aws for ${platform} was found (looked in ${candidates.join(', ')}). ` +
      `Set ${MIRROR_ENV} to the folder that contains registry.terraform.io/hashicorp/aws/<version>/${platform}/ ` +
      `(find it with: find / -name 'terraform-provider-aws_v*' -not -path '/proc/*').`,
  );
}

/** The CLI config text: providers only from the mirror, nothing from the network. */
export function renderCliConfig(mirrorRoot: string): string {
  return [
    '# Written by tools/core/terraform.ts: providers come from the filesystem mirror only.',
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorRoot)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Variables removed from the children's environment (they would override ours). */
const REMOVED = [
  'TF_PLUGIN_CACHE_DIR',
  'TF_CLI_ARGS',
  'TF_CLI_ARGS_init',
  'TF_CLI_ARGS_plan',
  'TF_CLI_ARGS_apply',
];

/**
 * The environment for `terraform`/`cdktf` children: our CLI config, no checkpoint
 * calls or prompts, and no plugin cache (cdktf-cli would otherwise set one, and a
 * cache copies the ~700 MB provider where the mirror is only symlinked).
 */
export function terraformEnv(
  cliConfigFile: string,
  base: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !REMOVED.includes(key)) env[key] = value;
  }
  env.TF_CLI_CONFIG_FILE = cliConfigFile;
  env.TF_IN_AUTOMATION = '1';
  env.TF_INPUT = '0';
  env.CHECKPOINT_DISABLE = '1';
  // cdktf-cli sets TF_PLUGIN_CACHE_DIR=~/.terraform.d/plugin-cache unless told not to.
  env.CDKTF_DISABLE_PLUGIN_CACHE_ENV = 'true';
  env.DISABLE_VERSION_CHECK = 'true';
  return env;
}

export interface TerraformSetup {
  readonly mirrorRoot: string;
  readonly providerVersions: string[];
  readonly providers: readonly ProviderInMirror[];
  readonly cliConfigFile: string;
  readonly env: Record<string, string>;
}

/** Writes `<dir>/terraformrc` and returns the environment that uses it. */
export function prepareTerraform(
  dir: string,
  base: Readonly<Record<string, string | undefined>> = process.env,
): TerraformSetup {
  const { root, providers } = resolveProviderMirror(base);
  fs.mkdirSync(dir, { recursive: true });
  const cliConfigFile = path.join(dir, 'terraformrc');
  fs.writeFileSync(cliConfigFile, renderCliConfig(root));
  return {
    mirrorRoot: root,
    providerVersions: providers.map((p) => p.version),
    providers,
    cliConfigFile,
    env: terraformEnv(cliConfigFile, base),
  };
}
