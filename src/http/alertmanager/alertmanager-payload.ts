import { z } from 'zod';

const labels = z.record(z.string(), z.string());

/**
 * Alertmanager webhook payload, version 4. Not `.strict()` on purpose: this body comes from
 * Alertmanager, not from a person, and newer Alertmanager releases add fields; what we rely on is
 * still checked strictly.
 */
export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: labels.default({}),
  externalURL: z.string().default(''),
  truncatedAlerts: z.number().int().min(0).default(0),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels,
        annotations: labels.default({}),
        startsAt: z.string(),
        endsAt: z.string().default(''),
        generatorURL: z.string().default(''),
        fingerprint: z.string().min(1),
      }),
    )
    .max(1000),
});

export type AlertmanagerPayload = z.output<typeof alertmanagerPayloadSchema>;
export type AlertmanagerAlert = AlertmanagerPayload['alerts'][number];
