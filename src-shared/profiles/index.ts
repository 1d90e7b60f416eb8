/**
 * The built-in cost profiles, one file each, in one list. The first is the default. A user
 * profile names one of these as its base and stores only what differs (profile-doc.ts).
 * Adding a profile is one file plus one entry here. Must not import anything but src-shared.
 */
import type { Profile } from '../profile.js';
import { HSW_2016 } from './hsw-2016.js';
import { SKX } from './skx.js';
import { SPR } from './spr.js';
import { EPYC } from './epyc.js';

export const BUILTIN_PROFILES: readonly Profile[] = [HSW_2016, SKX, SPR, EPYC];
export const DEFAULT_PROFILE: Profile = HSW_2016;

/** The built-in profile of that name (case-insensitive), if any. */
export function builtinProfile(name: string, profiles: readonly Profile[] = BUILTIN_PROFILES): Profile | undefined {
  const lower = name.toLowerCase();
  return profiles.find((p) => p.name.toLowerCase() === lower);
}
