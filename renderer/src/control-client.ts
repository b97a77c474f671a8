/**
 * The renderer's way to the control service. In a browser (headless mode) it is HTTP with the
 * token from the control-panel URL; the desktop shell provides the same calls over IPC.
 */
import type { CommandName, ControlCommands, ControlEvent, ControlResult, DesktopControl } from '../../common/control';

declare global {
  interface Window {
    /** Set by the desktop shell's preload. */
    helix?: DesktopControl;
  }
}

export interface ControlClient {
  invoke<K extends CommandName>(command: K, ...args: ControlCommands[K]['args']): Promise<ControlCommands[K]['result']>;
  subscribe(listener: (event: ControlEvent) => void): () => void;
  /** What only the desktop window can do; absent or false in a browser. */
  capabilities?: DesktopControl['capabilities'];
}

class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Takes the token from `#token=…` once, keeps it for this tab, and removes it from the address bar. */
function controlToken(): string {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('helix-control-token', fromHash);
    history.replaceState(null, '', window.location.pathname);
  }
  return sessionStorage.getItem('helix-control-token') ?? '';
}

/**
 * How long a command waits for the event stream to open. A view reads a list or a snapshot and
 * then follows it by events: a read answered before the stream was open could miss an event sent
 * in between (a run that started then would never show as running). Commands wait for the stream
 * (bounded, so a stream that cannot open never blocks them).
 */
export const STREAM_OPEN_WAIT_MS = 3000;

function httpControlClient(): ControlClient {
  const token = controlToken();
  const listeners = new Set<(event: ControlEvent) => void>();
  let source: EventSource | null = null;
  // Settled once the event stream is open (or given up on); null while no stream is wanted.
  let opened: Promise<void> | null = null;
  return {
    async invoke(command, ...args) {
      if (opened) await opened;
      const response = await fetch(`/control/${command}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ args }),
      });
      const result = (await response.json()) as ControlResult<never>;
      if (!result.ok) throw new CommandError(result.error.code, result.error.message);
      return result.data;
    },
    // One event stream for all subscribers: opened with the first, closed with the last.
    subscribe(listener) {
      if (!source) {
        const stream = new EventSource(`/control/events?token=${encodeURIComponent(token)}`);
        source = stream;
        const tell = (event: ControlEvent): void => {
          for (const heard of [...listeners]) {
            // One listener's failure is reported as before and does not keep the event from the others.
            try {
              heard(event);
            } catch (error) {
              reportError(error);
            }
          }
        };
        let opens = 0;
        opened = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, STREAM_OPEN_WAIT_MS);
          stream.onopen = () => {
            clearTimeout(timer);
            resolve();
            // Opened again by the browser after a break: events were missed meanwhile.
            if (++opens > 1) tell({ type: 'reconnected' });
          };
        });
        source.onmessage = (message) => tell(JSON.parse(message.data as string) as ControlEvent);
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = null;
          opened = null;
        }
      };
    },
  };
}

/** The desktop window's client: the preload's IPC calls, with the same errors as over HTTP. */
function ipcControlClient(desktop: DesktopControl): ControlClient {
  return {
    async invoke(command, ...args) {
      const call = desktop.commands[command] as (...a: typeof args) => Promise<ControlResult<never>>;
      const result = await call(...args);
      if (!result.ok) throw new CommandError(result.error.code, result.error.message);
      return result.data;
    },
    subscribe: (listener) => desktop.onEvent(listener),
    capabilities: { openFolder: desktop.capabilities?.openFolder === true, pickFolder: desktop.capabilities?.pickFolder === true },
  };
}

/** IPC in the desktop window, HTTP in a browser. */
export function controlClient(): ControlClient {
  return window.helix ? ipcControlClient(window.helix) : httpControlClient();
}
