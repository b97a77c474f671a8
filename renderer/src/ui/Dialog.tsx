/**
 * Modal dialogs on Radix primitives: focus is trapped inside and goes back where it was when the
 * dialog closes, Escape closes, the page behind is hidden from assistive technology.
 * - Dialog: a modal with any content (forms, details).
 * - ConfirmDialog: asks before a change with consequences (role alertdialog); focus starts on
 *   Cancel, the safe answer, and the confirm button says what it does.
 */
import * as AlertDialog from '@radix-ui/react-alert-dialog';
import * as RadixDialog from '@radix-ui/react-dialog';
import { X } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { Button } from './Button';

export interface Confirmation {
  title: string;
  body: string;
  /** Says what confirming does, e.g. "Run without asking" rather than "OK". */
  confirmLabel: string;
}

interface ConfirmProps extends Confirmation {
  onConfirm(): void;
  onCancel(): void;
  /** A confirmation that only undoes itself (e.g. "Restart") is not styled as dangerous. */
  tone?: 'danger' | 'primary';
}

/**
 * Where focus goes back to when a dialog closes: what had it when the dialog opened. (Radix gives
 * it back to a Trigger; these dialogs are opened by code, after a check, not by a Trigger.)
 */
function useReturnFocus(): (event: Event) => void {
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  return (event) => {
    event.preventDefault();
    if (opener?.isConnected) opener.focus();
  };
}

/** Shown while mounted: the caller renders it when it has something to ask. */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onCancel, tone = 'danger' }: ConfirmProps): React.JSX.Element {
  const returnFocus = useReturnFocus();
  return (
    <AlertDialog.Root open onOpenChange={(open) => !open && onCancel()}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog confirm" onCloseAutoFocus={returnFocus}>
          <AlertDialog.Title className="dialog-title">{title}</AlertDialog.Title>
          <AlertDialog.Description className="dialog-body">{body}</AlertDialog.Description>
          <div className="dialog-actions">
            <AlertDialog.Cancel asChild>
              <Button>Cancel</Button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <Button variant={tone} onClick={onConfirm}>
                {confirmLabel}
              </Button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

interface DialogProps {
  title: string;
  /** A sentence under the title, read out when the dialog opens. */
  description?: string;
  onClose(): void;
  children: ReactNode;
}

/** Shown while mounted; closed with Escape, the close button, or by the caller. */
export function Dialog({ title, description, onClose, children }: DialogProps): React.JSX.Element {
  const returnFocus = useReturnFocus();
  return (
    <RadixDialog.Root open onOpenChange={(open) => !open && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        <RadixDialog.Content className="dialog" onCloseAutoFocus={returnFocus} {...(description ? {} : { 'aria-describedby': undefined })}>
          <div className="dialog-head">
            <RadixDialog.Title className="dialog-title">{title}</RadixDialog.Title>
            <RadixDialog.Close asChild>
              <Button variant="ghost" size="sm" aria-label="Close" icon={<X size={16} aria-hidden="true" />} />
            </RadixDialog.Close>
          </div>
          {description && <RadixDialog.Description className="dialog-body">{description}</RadixDialog.Description>}
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
