// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlSnapshot } from '../../common/control';
import { App } from '../../renderer/src/App';
import type { ControlClient } from '../../renderer/src/control-client';
import { panelClient, testSnapshot } from '../support/panel-client';

afterEach(cleanup);

const nav = (): HTMLElement => screen.getByRole('navigation', { name: 'Screens' });

function snapshot(claudeCli: string | null, key: 'set' | 'missing', freeBytes: number | null = 50 * 2 ** 30): ControlSnapshot {
  return testSnapshot({ claudeCli, key, storage: { dataDir: '/home/me/.local/share/helix-desktop', freeBytes } });
}

const client = (state: ControlSnapshot): ControlClient => panelClient({ snapshot: state }).client;

describe('first run', () => {
  beforeEach(() => localStorage.clear());

  // Each screen is a lazy chunk, loaded on first show: slow under a loaded machine.
  it('opens on the set-up guide while something is missing, and says what on the other screens until dismissed', async () => {
    render(<App client={client(snapshot(null, 'missing'))} />);
    await screen.findByRole('button', { name: 'Hide the guide' });
    expect(within(nav()).getByRole('button', { name: 'Set-up' }).getAttribute('aria-current')).toBe('page');
    fireEvent.click(within(nav()).getByRole('button', { name: 'Usage' }));
    const panel = await screen.findByLabelText('Getting started', undefined, { timeout: 5000 });
    expect(panel.textContent).toContain('npm install -g @anthropic-ai/claude-code');
    expect(panel.textContent).toContain('ANTHROPIC_API_KEY');
    fireEvent.click(within(panel).getByRole('button', { name: 'Open the set-up guide' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Hide the guide' }));
    await screen.findByRole('heading', { name: 'Servers' }); // the Overview
    expect(screen.queryByLabelText('Getting started')).toBeNull();
    // Hidden for good: the next start opens on the Overview, the guide still one click away.
    cleanup();
    render(<App client={client(snapshot(null, 'missing'))} />);
    await screen.findByRole('heading', { name: 'Servers' });
    expect(screen.queryByLabelText('Getting started')).toBeNull();
    within(nav()).getByRole('button', { name: 'Set-up' });
  }, 20_000);

  it('says nothing once everything is there, and opens on the Overview', async () => {
    render(<App client={client(snapshot('/usr/bin/claude', 'set'))} />);
    await screen.findByRole('heading', { name: 'Servers' }); // the Overview is shown
    expect(screen.queryByLabelText('Getting started')).toBeNull();
  });
});

describe('disk space', () => {
  it('warns when the data dir\'s disk is nearly full, saying where and how much is left', async () => {
    render(<App client={client(snapshot('/usr/bin/claude', 'set', 42 * 2 ** 20))} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Only 42 MiB left on the disk of the data dir (/home/me/.local/share/helix-desktop): runs stop when it is full. Free some space there.');
  });

  it('says nothing with room to spare, or when the system cannot tell', async () => {
    for (const free of [50 * 2 ** 30, null]) {
      render(<App client={client(snapshot('/usr/bin/claude', 'set', free))} />);
      await screen.findByText('v0.1.0'); // the state has arrived
      expect(screen.queryByRole('alert')).toBeNull();
      cleanup();
    }
  });
});
