/**
 * The Terraform JSON of a PlatformStack or AccountBaselineStack built from a set of settings
 * (the stack's config and the state backend read from the same `env`, as the app reads
 * them), synthesized once per jest process. The unit tests share one module cache
 * (jest-light-runner), and several files read the same few stacks: the production and dev
 * platforms and the default baseline were each synthesized nine or ten times a run.
 *
 * Each call parses afresh, so a test may change what it gets. `document` keeps cdktf's `//`
 * metadata (the policy waivers live there), as tools/policy's synthesizeStack gives it; `json`
 * leaves it out, as cdktf's Testing.synth does.
 */
import { Testing } from 'cdktf';
import { loadStateBackend } from '../../config/backend';
import { loadBaselineConfig } from '../../config/baseline';
import { loadConfig } from '../../config/config';
import { AccountBaselineStack } from '../../stacks/account-baseline-stack';
import { PlatformStack } from '../../stacks/platform-stack';
import { synthesizeStack } from '../../tools/policy/stacks';
import type { TerraformJson } from '../../tools/policy/terraform';

type Settings = Readonly<Record<string, string>>;
// The shape tests read it in: any JSON.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KINDS = {
  platform: (env: Settings) =>
    new PlatformStack(Testing.app(), {
      config: loadConfig({ env }),
      stateBackend: loadStateBackend({ env }, { warn: () => undefined }),
    }),
  baseline: (env: Settings) =>
    new AccountBaselineStack(Testing.app(), {
      config: loadBaselineConfig({ env }),
      stateBackend: loadStateBackend({ env }, { warn: () => undefined }),
    }),
};
type Kind = keyof typeof KINDS;

const texts = new Map<string, string>();

function synthesized(kind: Kind, env: Settings): string {
  const key = `${kind}\0${JSON.stringify(Object.entries(env).sort())}`;
  let text = texts.get(key);
  if (text === undefined) {
    text = JSON.stringify(synthesizeStack(KINDS[kind](env)));
    texts.set(key, text);
  }
  return text;
}

const withoutMetadata = (key: string, value: unknown) => (key === '//' ? undefined : value);

/** The stack's Terraform JSON with cdktf's `//` metadata. */
export function document(kind: Kind, env: Settings = {}): TerraformJson {
  return JSON.parse(synthesized(kind, env)) as TerraformJson;
}

/** The stack's Terraform JSON without the `//` metadata, as Testing.synth gives it. */
export function json(kind: Kind, env: Settings = {}): Json {
  return JSON.parse(synthesized(kind, env), withoutMetadata) as Json;
}
