import type { TerraformStack } from 'cdktf';
import type { ConfigSources, PlatformConfig } from './config';

/** The remote-state settings read from terraform-backend.tf.json (issue 3 fills this in). */
export type StateBackendSettings = { readonly kind: 'local' };

export function loadStateBackend(_sources: ConfigSources): StateBackendSettings {
  return { kind: 'local' };
}

export function applyStateBackend(
  _stack: TerraformStack,
  _settings: StateBackendSettings,
  _config: PlatformConfig,
): void {}
