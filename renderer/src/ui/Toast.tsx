/**
 * Every command's outcome as a toast: a success fades after a few seconds, an error stays until
 * it is dismissed; either may carry one action (e.g. "Undo"). Radix Toast announces each one in a
 * live region and gives the stack a hotkey (F8) to reach it from the keyboard.
 */
import * as RadixToast from '@radix-ui/react-toast';
import { CircleAlert, CircleCheck, Info, X } from 'lucide-react';
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

export interface ToastInput {
  tone: 'success' | 'error' | 'info';
  title: string;
  description?: string;
  /** One action; `label` is also its accessible name, so it says what it does ("Undo: …" is fine). */
  action?: { label: string; run(): void };
}

interface Shown extends ToastInput {
  id: number;
}

export interface Toaster {
  show(toast: ToastInput): void;
  success(title: string, description?: string): void;
  error(title: string, description?: string): void;
}

/** How long a success stays; errors stay until dismissed. */
const SUCCESS_MS = 5000;
/** Older toasts give way so a burst of results never fills the screen. */
const MAX_SHOWN = 4;

const ToastContext = createContext<Toaster | null>(null);

/** Toasts do nothing where no provider is (a view rendered alone, e.g. in a component test). */
const silent: Toaster = { show: () => undefined, success: () => undefined, error: () => undefined };

export function useToast(): Toaster {
  return useContext(ToastContext) ?? silent;
}

export function ToastProvider({ children }: { children: ReactNode }): React.JSX.Element {
  const [toasts, setToasts] = useState<Shown[]>([]);
  const next = useRef(0);
  const show = useCallback((toast: ToastInput) => setToasts((shown) => [...shown, { ...toast, id: ++next.current }].slice(-MAX_SHOWN)), []);
  const toaster = useMemo<Toaster>(
    () => ({ show, success: (title, description) => show({ tone: 'success', title, description }), error: (title, description) => show({ tone: 'error', title, description }) }),
    [show],
  );
  const remove = (id: number): void => setToasts((shown) => shown.filter((t) => t.id !== id));
  return (
    <ToastContext.Provider value={toaster}>
      <RadixToast.Provider swipeDirection="right" label="Notification">
        {children}
        {toasts.map((t) => (
          <RadixToast.Root
            key={t.id}
            className={`toast tone-${t.tone}`}
            type={t.tone === 'error' ? 'foreground' : 'background'}
            duration={t.tone === 'error' ? Infinity : SUCCESS_MS}
            onOpenChange={(open) => !open && remove(t.id)}
          >
            <span className="toast-icon" aria-hidden="true">
              {t.tone === 'success' ? <CircleCheck size={18} /> : t.tone === 'error' ? <CircleAlert size={18} /> : <Info size={18} />}
            </span>
            <div className="toast-text">
              <RadixToast.Title className="toast-title">{t.title}</RadixToast.Title>
              {t.description && <RadixToast.Description className="toast-description">{t.description}</RadixToast.Description>}
            </div>
            {t.action && (
              <RadixToast.Action asChild altText={t.action.label}>
                <button type="button" className="btn btn-secondary btn-sm" onClick={t.action.run}>
                  {t.action.label.split(':')[0]}
                </button>
              </RadixToast.Action>
            )}
            <RadixToast.Close className="btn btn-ghost btn-sm toast-close" aria-label={`Dismiss: ${t.title}`}>
              <X size={16} aria-hidden="true" />
            </RadixToast.Close>
          </RadixToast.Root>
        ))}
        <RadixToast.Viewport className="toast-viewport" />
      </RadixToast.Provider>
    </ToastContext.Provider>
  );
}
