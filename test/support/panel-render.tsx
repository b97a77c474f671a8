/** Renders a panel screen as the app does: inside the toast provider, so what a command says in a toast can be found. */
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { ToastProvider } from '../../renderer/src/ui/Toast';

export function renderWithToasts(ui: ReactElement): RenderResult {
  return render(ui, { wrapper: ToastProvider });
}
