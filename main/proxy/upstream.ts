/**
 * Requests to an upstream provider over node:http(s) with kept-alive connections: a streamed
 * answer is read as plain 'data' events, which adds less per chunk than a web stream.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export function postJson(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<IncomingMessage> {
  return send(url, 'POST', { ...headers, 'content-type': 'application/json' }, Buffer.from(body), signal);
}

/** One request with the body as given; resolves with the response as soon as its head arrives. */
export function send(url: string, method: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(target, {
      method,
      agent: agents[target.protocol as keyof typeof agents],
      headers: body ? { ...headers, 'content-length': body.length } : headers,
      signal,
    });
    req.setNoDelay(true);
    req.on('response', resolve);
    req.on('error', reject);
    req.end(body);
  });
}

export async function readText(res: IncomingMessage): Promise<string> {
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk;
  return text;
}

/** Calls `onData` with each SSE `data:` payload as it arrives; resolves when the body ends. */
export function forEachSseData(res: IncomingMessage, onData: (data: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      try {
        while (newline >= 0) {
          const line = pending.slice(0, newline).trimEnd();
          pending = pending.slice(newline + 1);
          if (line.startsWith('data:')) onData(line.slice(5).trim());
          newline = pending.indexOf('\n');
        }
      } catch (error) {
        // A chunk the translation cannot take ends this stream, not the app.
        res.destroy();
        reject(error);
      }
    });
    res.on('end', () => {
      try {
        if (pending.startsWith('data:')) onData(pending.slice(5).trim());
        resolve();
      } catch (error) {
        reject(error);
      }
    });
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('the provider closed the stream')));
  });
}
