/**
 * A change of the config file said as a toast, with "Undo" on it while the app can still put the
 * file back (`config:undo`); what the undo did, or why it could not, is a toast too.
 */
import { useCallback } from 'react';
import type { ControlClient } from './control-client';
import { useToast } from './ui/Toast';

/** `undo`: the ConfigView.undo the change's command returned (what Undo would take back), or null. */
export type SaySaved = (text: string, undo: string | null) => void;

/** Says a refused write in an error toast (the field that asked says it too), then throws the refusal on to its caller. */
export function useRefusalToast(): (what: string, error: unknown) => never {
  const toast = useToast();
  return (what, error) => {
    toast.error(`${what} not saved`, error instanceof Error ? error.message : String(error));
    throw error;
  };
}

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
