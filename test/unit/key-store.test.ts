import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyStore } from '../../main/providers/key-store';

describe('KeyStore', () => {
  it('keeps keys owner-only across restarts; the environment wins; an empty value removes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-keys-'));
    new KeyStore(dir).set('ROUTER_KEY', 'sk-stored');
    const store = new KeyStore(dir);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(store.lookup({})('ROUTER_KEY')).toBe('sk-stored');
    expect(store.lookup({ ROUTER_KEY: 'sk-env' })('ROUTER_KEY')).toBe('sk-env');
    store.set('ROUTER_KEY', '');
    expect(new KeyStore(dir).lookup({})('ROUTER_KEY')).toBeUndefined();
  });
});
