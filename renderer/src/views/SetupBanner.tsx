/**
 * What is missing before a first chat can work (the claude CLI, a key for the roles' providers),
 * said on every screen until set-up is complete, with the way to the set-up guide. Dismissible;
 * the guide stays on the Set-up tab.
 */
import type { ControlSnapshot } from '../../../common/control';

const HIDDEN = 'helix-setup-hidden';

/** Whether something a first chat needs is missing. */
export function setupIncomplete(snapshot: ControlSnapshot): boolean {
  return !snapshot.claudeCli || snapshot.config.providers.some((p) => p.roles.length > 0 && p.key === 'missing');
}

export const setupHidden = (): boolean => localStorage.getItem(HIDDEN) === '1';
export const hideSetup = (): void => localStorage.setItem(HIDDEN, '1');

export function SetupBanner({ snapshot, onOpen, onDismiss }: { snapshot: ControlSnapshot; onOpen(): void; onDismiss(): void }): React.JSX.Element | null {
  if (!setupIncomplete(snapshot)) return null;
  const keyless = snapshot.config.providers.filter((p) => p.roles.length > 0 && p.key === 'missing');
  return (
    <section className="banner first-run" aria-label="Getting started">
      <strong>Before the first chat</strong>
      <ul>
        {!snapshot.claudeCli && (
          <li>
            The Claude Code CLI was not found. Install it with <code>npm install -g @anthropic-ai/claude-code</code> (or set <code>HELIX_CLAUDE_BIN</code>), then restart Helix.
          </li>
        )}
        {keyless.map((p) => (
          <li key={p.name}>
            Provider <code>{p.name}</code> has no key: set <code>{p.keyEnv}</code> in your environment, or enter it in the set-up guide or under Providers.
          </li>
        ))}
      </ul>
      <button onClick={onOpen}>Open the set-up guide</button> <button onClick={onDismiss}>Dismiss</button>
    </section>
  );
}
