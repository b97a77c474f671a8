/** System / Light / Dark, as three toggle buttons in a labelled group (the pressed one is the choice). */
import { Monitor, Moon, Sun } from 'lucide-react';
import { THEME_CHOICES, useTheme, type ThemeChoice } from './theme';

const ICON: Record<ThemeChoice, React.JSX.Element> = { system: <Monitor size={15} />, light: <Sun size={15} />, dark: <Moon size={15} /> };
const NAME: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export function ThemeToggle(): React.JSX.Element {
  const [choice, choose] = useTheme();
  return (
    <div className="segmented" role="group" aria-label="Theme">
      {THEME_CHOICES.map((c) => (
        <button key={c} type="button" aria-pressed={choice === c} onClick={() => choose(c)} title={`${NAME[c]} theme`}>
          <span aria-hidden="true">{ICON[c]}</span>
          <span className="segment-label">{NAME[c]}</span>
        </button>
      ))}
    </div>
  );
}
