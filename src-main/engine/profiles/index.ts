/**
 * Built-in cost profiles. Pure data; must not import anything but src-shared.
 */
import type { Profile } from '../../../src-shared/profile.js';
import { HSW_2016 } from './hsw-2016.js';

export const BUILTIN_PROFILES: readonly Profile[] = [HSW_2016];
export const DEFAULT_PROFILE = HSW_2016;

export function builtinProfile(name: string): Profile | undefined {
  return BUILTIN_PROFILES.find((p) => p.name === name);
}
