import type { AttackRole } from './attack-secrets.js';
import type { RecordingClient } from './recording-client.js';

/** A JSON Schema as zod-to-openapi writes it; only what the body generator reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
}

/** One method on one path of the OpenAPI document the server serves. */
export interface Operation {
  method: string;
  /** With path parameters filled in (`{name}` -> an existing rollout). */
  path: string;
  template: string;
  /** `bearer` (API token), `clientToken` (SDK token) or `public`. */
  auth: 'bearer' | 'clientToken' | 'public';
  /** Roles the route admits (`x-rampart-roles`); empty for non-bearer routes. */
  roles: AttackRole[];
  body?: JsonSchema;
  query?: Record<string, JsonSchema>;
}

interface RawOperation {
  security?: Record<string, unknown>[];
  'x-rampart-roles'?: AttackRole[];
  parameters?: { in: string; name: string; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}

/** Every operation of the served document; `{name}` becomes `rollout`. */
export async function servedOperations(client: RecordingClient, rollout: string): Promise<Operation[]> {
  const answer = await client.send('GET', '/api/openapi.json');
  if (answer.status !== 200) throw new Error(`GET /api/openapi.json: ${answer.status}`);
  const doc = answer.json as { paths: Record<string, Record<string, RawOperation>> };
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const scheme = Object.keys(op.security?.[0] ?? {})[0];
      const query = Object.fromEntries(
        (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema]),
      );
      operations.push({
        method: method.toUpperCase(),
        path: template.replace('{name}', rollout),
        template,
        auth: scheme === 'bearer' ? 'bearer' : scheme === 'clientToken' ? 'clientToken' : 'public',
        roles: op['x-rampart-roles'] ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
        query: Object.keys(query).length > 0 ? query : undefined,
      });
    }
  }
  return operations;
}
