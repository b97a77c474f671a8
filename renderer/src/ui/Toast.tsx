/**
 * Every command's outcome as a toast: a success fades after a few seconds (held while the
 * pointer or focus is on the toasts), an error stays until it is dismissed; either may carry one
 * action (e.g. "Undo"). The stack is a live region, so each new toast is read out once; F8 moves
 * focus to it from anywhere, Escape on a toast dismisses it.
 */
import { CircleAlert, CircleCheck, Info, X } from 'lucide-react';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

export interface ToastInput {
  tone: 'success' | 'error' | 'info';
  title: string;
  description?: string;
  /** One action; `label` is its accessible name, its text before a colon is shown ("Undo: role x set" shows "Undo"). */
  action?: { label: string; run(): void };
  /**
   * Toasts whose actions supersede each other: a new one takes the action off the earlier ones of
   * its group (only the latest config edit can be undone, so only its toast offers Undo).
   */
  group?: string;
}

interface Shown extends ToastInput {
  id: number;
}

export interface Toaster {
  show(toast: ToastInput): void;
  success(title: string, description?: string): void;
  error(title: string, description?: string): void;
}

/** How long a success stays, and one with an action (time to reach it). Errors stay until dismissed. */
const SUCCESS_MS = 5000;
const ACTION_MS = 12_000;
/** Older toasts give way so a burst of results never fills the screen. */
const MAX_SHOWN = 4;

const ToastContext = createContext<Toaster | null>(null);

/** Toasts do nothing where no provider is (a view rendered alone). */
const silent: Toaster = { show: () => undefined, success: () => undefined, error: () => undefined };

export function useToast(): Toaster {
  return useContext(ToastContext) ?? silent;
}

export function ToastProvider({ children }: { children: ReactNode }): React.JSX.Element {
  const [toasts, setToasts] = useState<Shown[]>([]);
  // Hovered or focused toasts stay: read when a toast's time is up (a removed, focused button fires no blur to count on).
  const hovered = useRef(false);
  const next = useRef(0);
  const stack = useRef<HTMLOListElement>(null);
  const show = useCallback((toast: ToastInput) => {
    const id = ++next.current;
    setToasts((shown) => {
      const kept = toast.group ? shown.map((t) => (t.group === toast.group && t.action ? { ...t, action: undefined } : t)) : shown;
      return [...kept, { ...toast, id }].slice(-MAX_SHOWN);
    });
  }, []);
  const toaster = useMemo<Toaster>(
    () => ({ show, success: (title, description) => show({ tone: 'success', title, description }), error: (title, description) => show({ tone: 'error', title, description }) }),
    [show],
  );
  const dismiss = useCallback((id: number) => setToasts((shown) => shown.filter((t) => t.id !== id)), []);
  const held = useCallback(() => hovered.current || (stack.current?.contains(document.activeElement) ?? false), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'F8') return;
      const first = stack.current?.querySelector<HTMLElement>('button');
      if (first) {
        e.preventDefault();
        first.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <ol
        ref={stack}
        className="toast-viewport"
        aria-label="Notifications (F8)"
        aria-live="polite"
        onMouseEnter={() => (hovered.current = true)}
        onMouseLeave={() => (hovered.current = false)}
      >
        {toasts.map((t) => (
          <Toast key={t.id} toast={t} held={held} onDismiss={dismiss} />
        ))}
      </ol>
    </ToastContext.Provider>
  );
}

/** While the toasts are hovered or focused, a toast whose time is up waits this much longer. */
const HELD_MS = 1000;

function Toast({ toast: t, held, onDismiss }: { toast: Shown; held(): boolean; onDismiss(id: number): void }): React.JSX.Element {
  const lasts = t.tone === 'error' ? null : t.action ? ACTION_MS : SUCCESS_MS;
  useEffect(() => {
    if (lasts === null) return;
    let timer: ReturnType<typeof setTimeout>;
    const end = (): void => {
      if (held()) timer = setTimeout(end, HELD_MS);
      else onDismiss(t.id);
    };
    timer = setTimeout(end, lasts);
    return () => clearTimeout(timer);
  }, [lasts, held, onDismiss, t.id]);
  return (
    <li
      className={`toast tone-${t.tone}`}
      data-tone={t.tone}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onDismiss(t.id);
        }
      }}
    >
      <span className="toast-icon" aria-hidden="true">
        {t.tone === 'success' ? <CircleCheck size={18} /> : t.tone === 'error' ? <CircleAlert size={18} /> : <Info size={18} />}
      </span>
      <div className="toast-text">
        {t.tone === 'error' && <span className="sr-only">Error:</span>}
        <div className="toast-title" id={`toast-${t.id}`}>
          {t.title}
        </div>
        {t.description && <div className="toast-description">{t.description}</div>}
      </div>
      {t.action && (
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          aria-label={t.action.label}
          onClick={() => {
            onDismiss(t.id);
            t.action?.run();
          }}
        >
          {t.action.label.split(':')[0]}
        </button>
      )}
      <button type="button" className="btn btn-ghost btn-sm toast-close" aria-label="Dismiss" aria-describedby={`toast-${t.id}`} onClick={() => onDismiss(t.id)}>
        <X size={16} aria-hidden="true" />
      </button>
    </li>
  );
}
