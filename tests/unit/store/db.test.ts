// openDatabase pragmas and folder creation; defaultDatabasePath on each platform.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDatabasePath, openDatabase } from '../../../src-main/store/db.js';
import { tempDir } from './helpers.js';

describe('openDatabase', () => {
  it('creates the parent folder and sets the pragmas', () => {
    const file = path.join(tempDir(), 'a', 'b', 'lab.sqlite');
    const db = openDatabase(file);
    try {
      expect(existsSync(file)).toBe(true);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    } finally {
      db.close();
    }
  });

  it('opens read-only without creating anything', () => {
    const file = path.join(tempDir(), 'missing', 'lab.sqlite');
    expect(() => openDatabase(file, { readonly: true })).toThrow();
    expect(existsSync(path.dirname(file))).toBe(false);
  });
});

describe('defaultDatabasePath', () => {
  it('prefers TIMER_LAB_DB, then XDG_DATA_HOME, then the platform folder', () => {
    expect(defaultDatabasePath({ TIMER_LAB_DB: '/x/y.sqlite', XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/x/y.sqlite');
    expect(defaultDatabasePath({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/timer-lab/timer-lab.sqlite');
    expect(defaultDatabasePath({}, 'linux', '/home/u')).toBe('/home/u/.local/share/timer-lab/timer-lab.sqlite');
    expect(defaultDatabasePath({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/timer-lab/timer-lab.sqlite');
    expect(defaultDatabasePath({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\timer-lab\\timer-lab.sqlite',
    );
  });
});
