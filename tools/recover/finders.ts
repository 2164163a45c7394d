/** Every finder by type (the types without one: unchecked-types.ts). */
import { APP_FINDERS } from './app-finders';
import { DATA_FINDERS } from './data-finders';
import type { Finder } from './finder';
import { IDENTITY_FINDERS } from './identity-finders';
import { NETWORK_FINDERS } from './network-finders';

export const FINDERS: ReadonlyMap<string, Finder> = new Map(
  [...NETWORK_FINDERS, ...DATA_FINDERS, ...IDENTITY_FINDERS, ...APP_FINDERS].map((f) => [
    f.type,
    f,
  ]),
);

/** The finder of a type, if there is one. */
export function finderOf(type: string): Finder | undefined {
  return FINDERS.get(type);
}
