/**
 * Profiles as the API sees them: the built-in ones (read-only) plus the user's, saved in the
 * store as a base plus overrides. Must not import electron.
 */
import type { ProfileInfo } from '../../src-shared/contract.js';
import type { Profile } from '../../src-shared/profile.js';
import { BUILTIN_PROFILES, builtinProfile } from '../../src-shared/profiles/index.js';
import type { RunStore } from '../store/index.js';
import { ApiError } from './errors.js';

export function listProfiles(store: RunStore): ProfileInfo[] {
  return [
    ...BUILTIN_PROFILES.map((p) => ({ name: p.name, description: p.description, builtIn: true })),
    ...store.listUserProfiles(),
  ];
}

export function resolveProfile(
  store: RunStore,
  name: string,
  field = 'profile',
  code: 'bad-input' | 'not-found' = 'bad-input',
): Profile {
  const p = builtinProfile(name) ?? store.getUserProfile(name);
  if (!p) {
    const known = listProfiles(store).map((x) => x.name).join(', ');
    throw new ApiError(code, `${field}: no profile "${name}" (known: ${known})`, field);
  }
  return p;
}
