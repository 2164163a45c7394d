/**
 * What a Markdown document names that the code must hold: project paths (in backticks and in
 * links), `npm run <script>`, settings (upper-case names with one of the settings' prefixes),
 * and Lambda runtimes (`nodejs22.x`).
 */

export interface DocReference {
  readonly doc: string;
  readonly line: number;
  readonly kind: 'path' | 'script' | 'setting' | 'runtime';
  readonly value: string;
}

/** The top-level folders and files a project path starts with. */
const PROJECT_ROOTS =
  /^(?:\.\/)?((?:config|constructs|stacks|tools|functions|e2e|__tests__|docs|\.github|\.ci)\/[\w./@<>*-]*|main\.ts|cdktf\.json|package\.json|tsconfig\.json|terraform-backend\.tf\.json|\.terraform\.lock\.hcl|jest(?:\.\w+)?\.config\.js|README\.md|CHANGELOG\.md|SECURITY\.md|CONTRIBUTING\.md|LICENSE)$/;

/** Upper-case names that are settings of this project (the prefixes its tables use). */
const SETTING =
  /^(?:BASELINE|STATE|DB|CACHE|API|WAF|LOG|VPC|AZ|NAT|PUBLIC|PRIVATE|ISOLATED|PLATFORM|ALARM|ENVIRONMENT|DEPLOY|DATA|AVAILABILITY|READINESS)_[A-Z0-9_]+$/;

/** Every reference of a document, with its line. */
export function docReferences(doc: string, text: string): DocReference[] {
  const found: DocReference[] = [];
  const lines = text.split('\n');
  let fenced = false;
  lines.forEach((content, i) => {
    const line = i + 1;
    if (content.trim().startsWith('```')) fenced = !fenced;
    const add = (kind: DocReference['kind'], value: string) =>
      found.push({ doc, line, kind, value });
    for (const m of content.matchAll(/npm run ([a-z][\w:-]*)/g)) add('script', m[1]);
    for (const m of content.matchAll(/\bnodejs\d+\.x\b/g)) add('runtime', m[0]);
    const candidates = [
      ...[...content.matchAll(/`([^`\s]+)`/g)].map((m) => ({ raw: m[1], link: false })),
      ...[...content.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => ({
        raw: m[1],
        link: true,
      })),
    ];
    for (const { raw, link } of candidates) {
      const value = raw.replace(/[.,:;]$/, '');
      if (SETTING.test(value)) add('setting', value);
      else if (!/^https?:/.test(value) && !fenced) {
        const path = value.replace(/^\.\.\//, '').replace(/^\.\//, '');
        // A link from docs/ to `x.md` is docs/x.md; a bare `x.md` in backticks names a file
        // elsewhere (a saved plan's review.md, say), not a doc.
        const fromDocs =
          link && doc.startsWith('docs/') && /^[\w-]+\.md$/.test(path) ? `docs/${path}` : path;
        if (PROJECT_ROOTS.test(fromDocs)) add('path', fromDocs);
      }
    }
    // Imports in code examples must resolve too (`from './tools/review'`).
    if (fenced) {
      for (const m of content.matchAll(/from '(\.\/[^']+)'/g)) add('path', m[1].slice(2));
    }
    // Settings named in prose and code blocks too: `FOO=bar` assignments.
    for (const m of content.matchAll(/\b([A-Z][A-Z0-9_]+)=/g)) {
      if (SETTING.test(m[1])) add('setting', m[1]);
    }
  });
  return found;
}

export interface KnownThings {
  readonly exists: (path: string) => boolean;
  readonly scripts: readonly string[];
  readonly settings: readonly string[];
  readonly runtimes: readonly string[];
}

/**
 * The references that name nothing. A path with a placeholder (`<stack>`, `*`) is checked up
 * to the placeholder's folder.
 */
export function staleReferences(refs: readonly DocReference[], known: KnownThings): DocReference[] {
  return refs.filter((r) => {
    switch (r.kind) {
      case 'script':
        return !known.scripts.includes(r.value);
      case 'setting':
        return !known.settings.includes(r.value);
      case 'runtime':
        return !known.runtimes.includes(r.value);
      case 'path': {
        // An import specifier names a module: the file with .ts, or a folder (its index.ts).
        if (!/\.[a-z]+$/.test(r.value) && known.exists(`${r.value}.ts`)) return false;
        const cut = r.value.search(/[<*]/);
        const path = (cut >= 0 ? r.value.slice(0, cut) : r.value).replace(/\/[^/]*$/, (tail) =>
          cut >= 0 ? '' : tail,
        );
        return path !== '' && !known.exists(path.replace(/\/$/, ''));
      }
    }
  });
}
