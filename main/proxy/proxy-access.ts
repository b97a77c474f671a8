/**
 * Who may use the proxy, and for what. Helix's own Claude Code processes each get a token of
 * their own, bound to one provider and the turn in progress (a warm process moves it to each new
 * turn, or to another provider) and revoked when the process ends: a Claude Code tool that reads
 * its environment finds only a key that opens nothing once the process is gone, and never the
 * provider's. The standalone proxy has one key for every provider, named by the path.
 */
import { randomBytes } from 'node:crypto';
import { checkKey } from '../platform/auth';

/** Where a request goes: the provider's name in the config, and the turn it belongs to. */
export interface ProxyRoute {
  provider: string;
  turnId?: string;
}

/** The route a key opens, given the provider a path names (if any); undefined when refused. */
export type ProxyAuthorizer = (key: string | undefined, pathProvider: string | undefined) => ProxyRoute | undefined;

export interface RunGrant {
  token: string;
  /** Points the token at another route (the next turn, another provider); a revoked token stays revoked. */
  retarget(route: ProxyRoute): void;
  revoke(): void;
}

export class RunTokens {
  // A 144-bit random token looked up in a Map: guessing one is the only way in, and a timing
  // difference in the lookup says nothing about a token's bytes.
  private readonly grants = new Map<string, ProxyRoute>();

  grant(route: ProxyRoute): RunGrant {
    const token = `sk-helix-run-${randomBytes(18).toString('base64url')}`;
    this.grants.set(token, { ...route });
    return {
      token,
      retarget: (next) => {
        if (this.grants.has(token)) this.grants.set(token, { ...next });
      },
      revoke: () => void this.grants.delete(token),
    };
  }

  get size(): number {
    return this.grants.size;
  }

  readonly authorize: ProxyAuthorizer = (key, pathProvider) => {
    const route = key === undefined ? undefined : this.grants.get(key);
    if (!route || (pathProvider !== undefined && pathProvider !== route.provider)) return undefined;
    return route;
  };
}

/** One key for every provider, which the path names (`/p/<provider>/v1/messages`). */
export function staticKeyAuthorizer(expected: string): ProxyAuthorizer {
  return (key, pathProvider) => (pathProvider !== undefined && checkKey(key, expected) ? { provider: pathProvider } : undefined);
}
