/**
 * A change of the config file said as a toast, with "Undo" on it while the app can still put the
 * file back (`config:undo`); what the undo did, or why it could not, is a toast too.
 */
import { useCallback } from 'react';
import type { ControlClient } from './control-client';
import { useToast } from './ui/Toast';

/** `undo`: the ConfigView.undo the change's command returned (what Undo would take back), or null. */
export type SaySaved = (text: string, undo: string | null) => void;

export function useConfigSaved(client: ControlClient, onChanged: () => void): SaySaved {
  const toast = useToast();
  return useCallback(
    (text, undo) =>
      toast.show({
        tone: 'success',
        title: text,
        group: 'config-undo',
        ...(undo
          ? {
              action: {
                label: `Undo: ${undo}`,
                run: () =>
                  void client.invoke('config:undo').then(
                    ({ undone }) => {
                      toast.success(`Undone: ${undone}. The file is as it was before.`);
                      onChanged();
                    },
                    (e: Error) => toast.error('Not undone', e.message),
                  ),
              },
            }
          : {}),
      }),
    [client, onChanged, toast],
  );
}
