/**
 * The project's own Terraform CLI configuration. The AWS provider comes from a filesystem
 * mirror when one is configured (TF_PROVIDER_MIRROR) or sits in one of Terraform's implied
 * local mirror folders, else from the public registry; either way the committed
 * .terraform.lock.hcl fixes its version and checksums (docs/toolchain.md). Every script that
 * starts `terraform` or `cdktf` takes its environment from `terraformEnv()`, so the user's
 * ~/.terraformrc (or a TF_CLI_CONFIG_FILE that points nowhere) never decides it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Overrides the mirror root (the folder that holds `registry.terraform.io/`). */
export const MIRROR_ENV = 'TF_PROVIDER_MIRROR';

/** Terraform's implied local mirror folders, searched in order when TF_PROVIDER_MIRROR is not set. */
export function defaultMirrorCandidates(home = os.homedir()): string[] {
  return [
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

/** Where `terraform init` takes the AWS provider from. */
export type ProviderSource =
  | {
      readonly kind: 'mirror';
      /** The folder holding `registry.terraform.io/`. */
      readonly root: string;
      readonly providers: ProviderInMirror[];
    }
  | {
      readonly kind: 'registry';
      /** Downloads are kept here and shared by every working folder (plugin_cache_dir). */
      readonly cacheDir: string;
    };

/** The plugin cache of registry mode: TF_PLUGIN_CACHE_DIR, else Terraform's usual place. */
export function pluginCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  home = os.homedir(),
): string {
  const explicit = env.TF_PLUGIN_CACHE_DIR?.trim();
  return explicit ? path.resolve(explicit) : path.join(home, '.terraform.d', 'plugin-cache');
}

/**
 * Where providers come from: TF_PROVIDER_MIRROR when set (it must then hold the provider),
 * else the first default mirror place that holds hashicorp/aws for this platform, else the
 * public registry (with a plugin cache). Either way the stacks' committed lock file
 * (.terraform.lock.hcl) fixes the version and its checksums.
 */
export function resolveProviderSource(
  env: Readonly<Record<string, string | undefined>> = process.env,
  candidates: readonly string[] = defaultMirrorCandidates(),
  find: (root: string) => ProviderInMirror[] = (root) => findAwsProvider(root),
  home = os.homedir(),
): ProviderSource {
  const platform = terraformPlatform();
  const explicit = env[MIRROR_ENV]?.trim();
  if (explicit) {
    const root = path.resolve(explicit);
    const providers = find(root);
    if (providers.length === 0) {
      throw new ProviderMirrorError(
        `${MIRROR_ENV}=${explicit} holds no hashicorp/aws provider for ${platform}: expected ` +
          `${path.join(root, 'registry.terraform.io/hashicorp/aws/<version>', platform, 'terraform-provider-aws_*')} ` +
          `(or the packed .zip). Point ${MIRROR_ENV} at the folder that contains registry.terraform.io/, ` +
          `or unset it to install from the public registry.`,
      );
    }
    return { kind: 'mirror', root, providers };
  }
  for (const root of candidates) {
    const providers = find(root);
    if (providers.length > 0) return { kind: 'mirror', root, providers };
  }
  return { kind: 'registry', cacheDir: pluginCacheDir(env, home) };
}

/** One line for notes and logs: where the provider comes from. */
export function describeProviderSource(source: ProviderSource): string {
  return source.kind === 'mirror'
    ? `the filesystem mirror ${source.root}`
    : `the public registry (cache ${source.cacheDir})`;
}

/**
 * The CLI config text. A mirror: providers from it only, nothing from the network. The
 * registry: direct installation, downloads cached once for every working folder.
 */
export function renderCliConfig(source: ProviderSource): string {
  if (source.kind === 'registry') {
    return [
      '# Written by tools/core/terraform.ts: providers come from the public registry, checked',
      '# against the committed .terraform.lock.hcl, cached for every working folder.',
      `plugin_cache_dir = ${JSON.stringify(source.cacheDir)}`,
      'provider_installation {',
      '  direct {}',
      '}',
      '',
    ].join('\n');
  }
  return [
    '# Written by tools/core/terraform.ts: providers come from the filesystem mirror only.',
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(source.root)}`,
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
  readonly source: ProviderSource;
  /** The mirror root, in mirror mode. */
  readonly mirrorRoot?: string;
  /** Versions the mirror holds (empty in registry mode: the lock file decides). */
  readonly providerVersions: string[];
  readonly providers: readonly ProviderInMirror[];
  readonly cliConfigFile: string;
  readonly env: Record<string, string>;
}

/** Writes `<dir>/terraformrc` and returns the environment that uses it. */
export function prepareTerraform(
  dir: string,
  base: Readonly<Record<string, string | undefined>> = process.env,
  source: ProviderSource = resolveProviderSource(base),
): TerraformSetup {
  fs.mkdirSync(dir, { recursive: true });
  // Terraform refuses a plugin_cache_dir that does not exist.
  if (source.kind === 'registry') fs.mkdirSync(source.cacheDir, { recursive: true });
  const cliConfigFile = path.join(dir, 'terraformrc');
  fs.writeFileSync(cliConfigFile, renderCliConfig(source));
  const providers = source.kind === 'mirror' ? source.providers : [];
  return {
    source,
    mirrorRoot: source.kind === 'mirror' ? source.root : undefined,
    providerVersions: providers.map((p) => p.version),
    providers,
    cliConfigFile,
    env: terraformEnv(cliConfigFile, base),
  };
}
