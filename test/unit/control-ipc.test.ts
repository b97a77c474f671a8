import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../common/control';
import { isOwnWindow, registerControlIpc, type IpcMainLike, type IpcSender } from '../../main/control/control-ipc';
import { ControlError, type ControlService } from '../../main/control/control-service';

/** A stand-in for ipcMain: records handlers so the test can call them as Electron would. */
function fakeIpc(): IpcMainLike & { call(channel: string, event: IpcSender, ...args: unknown[]): Promise<unknown>; channels: Set<string> } {
  const handlers = new Map<string, (event: IpcSender, ...args: unknown[]) => unknown>();
  return {
    channels: new Set(),
    handle(channel, listener) {
      handlers.set(channel, listener);
      this.channels.add(channel);
    },
    removeHandler(channel) {
      handlers.delete(channel);
      this.channels.delete(channel);
    },
    async call(channel, event, ...args) {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`no handler for ${channel}`);
      return handler(event, ...args);
    },
  };
}

const handlers = {
  'turn:cancel': (turnId: string) => ({ cancelled: turnId === 'live' }),
  'session:get': () => {
    throw new ControlError('not_found', 'No session x.');
  },
};
const service = {
  handlers,
  handlersFor: (from: string) => ({ ...handlers, 'approval:answer': (id: string) => ({ id, from }) }),
} as unknown as ControlService;

const ours: IpcSender = { sender: { id: 1 }, senderFrame: { url: 'file:///app/index.html', parent: null } };
const stranger: IpcSender = { sender: { id: 2 }, senderFrame: { url: 'https://evil.example', parent: null } };
const isTrusted = (event: IpcSender): boolean => event.sender.id === 1;

describe('control over IPC', () => {
  it('an approval answered over IPC is recorded as answered from the desktop', async () => {
    const ipc = fakeIpc();
    registerControlIpc(ipc, service, isTrusted);
    expect(await ipc.call('control:approval:answer', ours, 'a1', { decision: 'allow' })).toEqual({ ok: true, data: { id: 'a1', from: 'desktop' } });
  });

  it('registers one channel per command of the contract, and removes them again', () => {
    const ipc = fakeIpc();
    const remove = registerControlIpc(ipc, service, isTrusted);
    expect([...ipc.channels].sort()).toEqual(COMMAND_NAMES.map((c) => `control:${c}`).sort());
    remove();
    expect(ipc.channels.size).toBe(0);
  });

  it('checks the sender first, then the arguments, and returns results and refusals as data', async () => {
    const ipc = fakeIpc();
    registerControlIpc(ipc, service, isTrusted);
    expect(await ipc.call('control:turn:cancel', ours, 'live')).toEqual({ ok: true, data: { cancelled: true } });
    expect(await ipc.call('control:turn:cancel', stranger, 'live')).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    expect(await ipc.call('control:turn:cancel', ours, 42)).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(await ipc.call('control:turn:cancel', ours)).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(await ipc.call('control:session:get', ours, 'x')).toEqual({ ok: false, error: { code: 'not_found', message: 'No session x.' } });
  });
});

describe('the desktop window check', () => {
  const own = (url: string, parent: unknown = null, id = 7): IpcSender => ({ sender: { id }, senderFrame: { url, parent } });
  it('accepts only the app window, its top frame, on the app origin', () => {
    expect(isOwnWindow(own('app://helix/index.html'), 7, 'app://helix')).toBe(true);
    expect(isOwnWindow(own('app://helix/index.html', {}), 7, 'app://helix')).toBe(false);
    expect(isOwnWindow(own('https://evil.example/'), 7, 'app://helix')).toBe(false);
    expect(isOwnWindow(own('app://helix.evil/'), 7, 'app://helix')).toBe(false);
    expect(isOwnWindow(own('app://helix/index.html', null, 8), 7, 'app://helix')).toBe(false);
    expect(isOwnWindow(own('app://helix/index.html'), undefined, 'app://helix')).toBe(false);
  });
});
