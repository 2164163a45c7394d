/**
 * Rewrites this project's sources into the shape of a stock `cdktf init
 * --template=typescript` project, so the benchmark compares the same stacks built
 * two ways: every provider import goes through the package root, and the app runs
 * under type-checking ts-node.
 */

const DEEP_IMPORT =
  /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'@cdktf\/provider-aws\/lib\/([a-z0-9-]+)';\s*$/gm;

/** `db-instance` → `dbInstance`: the namespace the package root exports per resource. */
export function namespaceOf(moduleName: string): string {
  return moduleName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Turns `import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';` into
 * `import * as aws from '@cdktf/provider-aws';` plus `import DbInstance = aws.dbInstance.DbInstance;`
 * (an import alias works for types and values alike).
 */
export function toRootImports(source: string): string {
  let usesRoot = false;
  const rewritten = source.replace(DEEP_IMPORT, (_all, _type, names: string, mod: string) => {
    usesRoot = true;
    return (
      names
        .split(',')
        // An inline `type X` specifier becomes the same alias as X.
        .map((n) => n.trim().replace(/^type\s+/, ''))
        .filter((n) => n.length > 0)
        .map((n) => {
          const [imported, local] = n.split(/\s+as\s+/);
          return `import ${local ?? imported} = aws.${namespaceOf(mod)}.${imported};`;
        })
        .join('\n')
    );
  });
  return usesRoot ? `import * as aws from '@cdktf/provider-aws';\n${rewritten}` : rewritten;
}

/** The tsconfig a stock project type-checks with under ts-node (no isolatedModules). */
export const STOCK_TSCONFIG = {
  compilerOptions: {
    target: 'ES2018',
    module: 'CommonJS',
    lib: ['es2018'],
    strict: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    types: ['node'],
  },
  include: ['**/*.ts'],
  exclude: ['node_modules', 'cdktf.out'],
};
