/** What the preload exposes to the renderer as `window.helix`. */

export interface ConnectionInfo {
  baseUrl: string | undefined;
  apiKey: string | undefined;
}

export interface HelixApi {
  getConnection(): Promise<ConnectionInfo>;
}
