/**
 * GET /v1/models and /v1/models/{id}: one model per role, named so the chat client shows which
 * provider and model the role runs on. Answered from memory, never by starting the CLI.
 */
import type { FastifyInstance } from 'fastify';
import type { HelixConfig, Role } from '../providers/load-config';
import { findRole } from './find-role';

export function toModelEntry(role: Role, created: number): object {
  const target = `${role.provider}:${role.model}`;
  return {
    id: role.modelId,
    object: 'model',
    created,
    owned_by: 'helix',
    name: `Helix ${role.name} (${target})`,
    helix: { role: role.name, provider: role.provider, model: role.model, target },
  };
}

export function registerModels(app: FastifyInstance, getConfig: () => HelixConfig): void {
  const created = Math.floor(Date.now() / 1000);
  app.get('/v1/models', async () => ({
    object: 'list',
    data: getConfig().roles.map((role) => toModelEntry(role, created)),
  }));
  app.get<{ Params: { id: string } }>('/v1/models/:id', async (req) => toModelEntry(findRole(getConfig(), req.params.id), created));
}
