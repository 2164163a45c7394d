/**
 * `npm run framework -- cdktn|cdktf`: moves a checkout between CDKTF 0.21 (archived by
 * HashiCorp in December 2025) and CDK Terrain (cdktn, its maintained continuation), by
 * pointing the `cdktf` and `cdktf-cli` dependencies at either, under the same names (the code
 * and the provider bindings keep importing `cdktf`). `npm test` proves on every run that both
 * synthesize the same Terraform (framework.ts).
 */

/** The packages each framework installs under the names the code uses. */
export const FRAMEWORK_PACKAGES = {
  cdktf: { cdktf: '0.21.0', 'cdktf-cli': '0.21.0' },
  cdktn: { cdktf: 'npm:cdktn@0.24.0', 'cdktf-cli': 'npm:cdktn-cli@0.24.0' },
} as const;

export type FrameworkName = keyof typeof FRAMEWORK_PACKAGES;

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Which framework a package.json installs, or undefined when it is neither as written here. */
export function frameworkOf(pkg: PackageJson): FrameworkName | undefined {
  return (Object.keys(FRAMEWORK_PACKAGES) as FrameworkName[]).find(
    (name) =>
      pkg.dependencies?.cdktf === FRAMEWORK_PACKAGES[name].cdktf &&
      pkg.devDependencies?.['cdktf-cli'] === FRAMEWORK_PACKAGES[name]['cdktf-cli'],
  );
}

/** The package.json that installs `target`; everything else stays as it is. */
export function switchFramework<T extends PackageJson>(pkg: T, target: FrameworkName): T {
  if (!pkg.dependencies?.cdktf || !pkg.devDependencies?.['cdktf-cli']) {
    throw new Error('package.json has no cdktf dependency and cdktf-cli dev dependency to switch');
  }
  return {
    ...pkg,
    dependencies: { ...pkg.dependencies, cdktf: FRAMEWORK_PACKAGES[target].cdktf },
    devDependencies: {
      ...pkg.devDependencies,
      'cdktf-cli': FRAMEWORK_PACKAGES[target]['cdktf-cli'],
    },
  };
}
