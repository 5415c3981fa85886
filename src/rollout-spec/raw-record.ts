/** A YAML mapping before validation: any field may hold anything (zod reports wrong types). */
export type Raw = Record<string, unknown>;

export function isRecord(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
