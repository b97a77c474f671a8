/**
 * Where provider keys come from: the environment first, then the app's own key store
 * (`<data dir>/keys.json`, readable by the user only), so a key set in the app never has to be
 * written into llm-providers.yaml. Keys are looked up by the name in `api_key_env`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../platform/data-dir';

export type KeyLookup = (name: string) => string | undefined;

export class KeyStore {
  private keys: Record<string, string> = {};
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'keys.json');
    if (!existsSync(this.file)) return;
    try {
      const stored: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (stored && typeof stored === 'object') this.keys = Object.fromEntries(Object.entries(stored).filter(([, v]) => typeof v === 'string'));
    } catch {
      // an unreadable store holds no keys; it is rewritten on the next set()
    }
  }

  /** Stores (or, with an empty value, removes) a key. */
  set(name: string, value: string): void {
    if (value) this.keys[name] = value;
    else delete this.keys[name];
    writeFileAtomic(this.file, `${JSON.stringify(this.keys, null, 2)}\n`, 0o600);
  }

  /** Environment first: a key exported in the shell wins over one stored in the app. */
  lookup(env: NodeJS.ProcessEnv): KeyLookup {
    return (name) => env[name] || this.keys[name];
  }
}
