/**
 * The API server's request log for the control panel: method, path, model, status, latency and,
 * for chat turns, tokens. Nothing from headers or bodies beyond the model name.
 */
import type { RequestEntry } from '../../common/control';
import { BoundedLog } from '../platform/bounded-log';

export type ApiRequestEntry = Omit<RequestEntry, 'source'>;

export class ApiRequestLog extends BoundedLog<ApiRequestEntry> {}
