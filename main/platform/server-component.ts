/**
 * A server the app runs and can restart (the API server, the proxy): a fresh Fastify instance
 * per start, on the same address each time, with its state kept for the UI.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ComponentName, ComponentState } from '../../common/control';

export class ServerComponent {
  private server: FastifyInstance | undefined;
  private status: ComponentState;

  constructor(
    name: ComponentName,
    private readonly build: () => FastifyInstance,
    private readonly host: string,
    private port: number,
  ) {
    this.status = { name, state: 'stopped', url: null, pid: process.pid, startedAt: null, lastError: null };
  }

  get state(): ComponentState {
    return { ...this.status };
  }

  /** Listens; the first start may pick a free port (0), later ones reuse it. Throws the listen error. */
  async start(): Promise<string> {
    const server = this.build();
    try {
      await server.listen({ host: this.host, port: this.port });
    } catch (error) {
      const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      const reason = taken ? `Port ${this.port} on ${this.host} is already in use (by another program, or another copy of Helix)` : (error as Error).message;
      this.status = { ...this.status, state: 'failed', lastError: reason };
      throw error;
    }
    const address = server.server.address() as AddressInfo;
    this.port = address.port;
    this.server = server;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    this.status = { ...this.status, state: 'running', url, startedAt: new Date().toISOString(), lastError: null };
    return url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.status = { ...this.status, state: 'stopped', startedAt: null };
    await server?.close();
  }

  async restart(): Promise<ComponentState> {
    await this.stop();
    await this.start().catch(() => undefined); // the failure is in the state
    return this.state;
  }
}
