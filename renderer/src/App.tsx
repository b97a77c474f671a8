/** The control window; for now, the connection details to paste into Open WebUI. */
import { useEffect, useState } from 'react';
import type { ConnectionInfo, HelixApi } from '../../common/desktop-api';

declare global {
  interface Window {
    helix?: HelixApi;
  }
}

export function App(): React.JSX.Element {
  const [connection, setConnection] = useState<ConnectionInfo | null>(null);
  useEffect(() => {
    void window.helix?.getConnection().then(setConnection);
  }, []);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Helix Desktop</h1>
      <p>Point Open WebUI (or any OpenAI client) at this server:</p>
      <dl>
        <dt>Base URL</dt>
        <dd>
          <code>{connection?.baseUrl ?? '…'}</code>
        </dd>
        <dt>API key</dt>
        <dd>
          <code>{connection?.apiKey ?? '…'}</code>
        </dd>
      </dl>
    </main>
  );
}
