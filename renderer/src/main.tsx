import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { controlClient } from './control-client';
import './styles.css';
import { applyTheme, storedTheme } from './ui/theme';

// Before the first paint, so a dark choice never flashes light.
applyTheme(storedTheme());

const client = controlClient();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
