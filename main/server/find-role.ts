/** The role a request's `model` names, or a 404 that lists the models there are. */
import type { HelixConfig, Role } from '../providers/load-config';
import { ApiError } from './openai-errors';

export function findRole(config: HelixConfig, modelId: string): Role {
  const role = config.roles.find((r) => r.modelId === modelId);
  if (role) return role;
  const known = config.roles.map((r) => r.modelId).join(', ') || 'none';
  throw new ApiError(404, `The model "${modelId}" does not exist. Available models: ${known}.`, 'invalid_request_error', 'model_not_found', 'model');
}
