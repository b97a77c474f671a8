/**
 * Light or dark: the user's choice (System, Light, Dark) kept in localStorage, applied as
 * `data-theme` on <html>, where styles.css switches the colour tokens. "System" follows the
 * operating system's preference, also when it changes while the panel is open.
 */
import { useEffect, useState } from 'react';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Theme = 'light' | 'dark';

const KEY = 'helix-theme';
const DARK = '(prefers-color-scheme: dark)';

/** The stored choice; anything unreadable or unknown is "system". */
export function storedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(KEY);
    return THEME_CHOICES.includes(value as ThemeChoice) ? (value as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

const systemTheme = (): Theme => (typeof matchMedia === 'function' && matchMedia(DARK).matches ? 'dark' : 'light');

/** The theme a choice means now. */
export const resolveTheme = (choice: ThemeChoice): Theme => (choice === 'system' ? systemTheme() : choice);

export function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = resolveTheme(choice);
}

/** The choice and a setter that stores and applies it; "system" follows the OS as it changes. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  useEffect(() => {
    applyTheme(choice);
    if (choice !== 'system' || typeof matchMedia !== 'function') return;
    const query = matchMedia(DARK);
    const follow = (): void => applyTheme('system');
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [choice]);
  const choose = (next: ThemeChoice): void => {
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Storage refused (private mode, quota): the choice still holds for this window.
    }
    setChoice(next);
  };
  return [choice, choose];
}
