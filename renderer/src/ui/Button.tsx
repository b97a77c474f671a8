/**
 * The panel's button. Busy: a spinner, aria-busy, and clicks ignored while focus stays on it (so
 * a keyboard user does not lose their place, as a disabled button would make them).
 */
import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';
import { Spinner } from './Spinner';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  busy?: boolean;
  /** An icon before the text (lucide-react), decorative. */
  icon?: ReactNode;
  ref?: Ref<HTMLButtonElement>;
}

export function Button({ variant = 'secondary', size = 'md', busy = false, icon, className, type = 'button', onClick, children, ...rest }: ButtonProps): React.JSX.Element {
  return (
    <button
      {...rest}
      type={type}
      className={['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', className ?? ''].filter(Boolean).join(' ')}
      aria-busy={busy || undefined}
      aria-disabled={busy || rest['aria-disabled'] || undefined}
      onClick={(e) => {
        if (busy || rest['aria-disabled'] === true || rest['aria-disabled'] === 'true') {
          e.preventDefault();
          return;
        }
        onClick?.(e);
      }}
    >
      {busy ? <Spinner /> : icon}
      {children}
    </button>
  );
}
