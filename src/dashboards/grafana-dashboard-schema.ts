import { z } from 'zod';

/*
 * The shape of a Grafana dashboard (classic JSON model, schemaVersion 36+) as the foundation SDK's
 * `dashboard.Dashboard` type declares it: the required fields, the known keys of the dashboard, its
 * panels, rows, annotations and variables (unknown keys are refused), and the grid rules Grafana
 * relies on. No Grafana server or JSON-schema validator is installed here, so this is an encoding of
 * that schema with zod, not the schema file itself; panel `options` and `fieldConfig.defaults` depend
 * on the panel plugin and stay open.
 */

const datasourceRef = z.strictObject({ type: z.string().optional(), uid: z.string().optional() });

const gridPos = z
  .strictObject({
    h: z.number().int().positive(),
    w: z.number().int().min(1).max(24),
    x: z.number().int().min(0).max(23),
    y: z.number().int().min(0),
    static: z.boolean().optional(),
  })
  .refine((g) => g.x + g.w <= 24, 'a panel must fit in the 24-column grid (x + w <= 24)');

const target = z.looseObject({
  refId: z.string().min(1),
  datasource: datasourceRef.optional(),
  expr: z.string().min(1).optional(),
});

const fieldConfig = z.strictObject({
  defaults: z.record(z.string(), z.unknown()),
  overrides: z.array(
    z.looseObject({ matcher: z.looseObject({ id: z.string() }), properties: z.array(z.unknown()) }),
  ),
});

const panel = z.strictObject({
  type: z
    .string()
    .min(1)
    .refine((t) => t !== 'row', 'a row is not a panel'),
  id: z.number().int().positive(),
  pluginVersion: z.string().optional(),
  targets: z.array(target).optional(),
  title: z.string().min(1),
  description: z.string().optional(),
  transparent: z.boolean().optional(),
  datasource: datasourceRef.optional(),
  gridPos,
  links: z.array(z.unknown()).optional(),
  repeat: z.string().optional(),
  repeatDirection: z.enum(['h', 'v']).optional(),
  maxPerRow: z.number().optional(),
  maxDataPoints: z.number().optional(),
  transformations: z.array(z.looseObject({ id: z.string(), options: z.unknown() })).optional(),
  interval: z.string().optional(),
  timeFrom: z.string().optional(),
  timeShift: z.string().optional(),
  hideTimeOverride: z.boolean().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  fieldConfig: fieldConfig.optional(),
});

const row = z.strictObject({
  type: z.literal('row'),
  collapsed: z.boolean(),
  title: z.string().min(1),
  datasource: datasourceRef.optional(),
  gridPos,
  id: z.number().int().positive(),
  panels: z.array(panel),
  repeat: z.string().optional(),
});

const annotation = z.strictObject({
  name: z.string().min(1),
  datasource: datasourceRef.optional(),
  enable: z.boolean(),
  hide: z.boolean().optional(),
  iconColor: z.string().min(1),
  type: z.string().optional(),
  builtIn: z.number().optional(),
  placement: z.literal('inControlsMenu').optional(),
  expr: z.string().min(1).optional(),
  textFormat: z.string().optional(),
  titleFormat: z.string().optional(),
  tagKeys: z.string().optional(),
  step: z.string().optional(),
  useValueForTime: z.boolean().optional(),
});

const variableOption = z.strictObject({
  selected: z.boolean().optional(),
  text: z.union([z.string(), z.array(z.string())]),
  value: z.union([z.string(), z.array(z.string())]),
});

const variable = z.strictObject({
  type: z.enum([
    'query',
    'adhoc',
    'groupby',
    'constant',
    'datasource',
    'interval',
    'textbox',
    'custom',
    'system',
    'snapshot',
  ]),
  name: z.string().regex(/^\w+$/, 'a variable name is a word'),
  label: z.string().optional(),
  hide: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  skipUrlSync: z.boolean().optional(),
  description: z.string().optional(),
  query: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  datasource: datasourceRef.optional(),
  current: variableOption.optional(),
  multi: z.boolean().optional(),
  allowCustomValue: z.boolean().optional(),
  options: z.array(variableOption).optional(),
  refresh: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  sort: z.number().int().min(0).max(8).optional(),
  includeAll: z.boolean().optional(),
  allValue: z.string().optional(),
  regex: z.string().optional(),
  auto: z.boolean().optional(),
  auto_min: z.string().optional(),
  auto_count: z.number().int().positive().optional(),
  definition: z.string().optional(),
});

/** A Grafana dashboard as the foundation SDK's Dashboard type declares it, plus unique panel ids. */
export const grafanaDashboardSchema = z
  .strictObject({
    id: z.number().int().nullable().optional(),
    uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, 'a dashboard uid is 1-40 of [a-zA-Z0-9_-]'),
    title: z.string().min(1),
    description: z.string().optional(),
    revision: z.number().int().optional(),
    gnetId: z.string().optional(),
    tags: z.array(z.string()).optional(),
    timezone: z.string().optional(),
    editable: z.boolean().optional(),
    graphTooltip: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    time: z.strictObject({ from: z.string(), to: z.string() }).optional(),
    timepicker: z.record(z.string(), z.unknown()).optional(),
    fiscalYearStartMonth: z.number().int().min(0).max(11).optional(),
    liveNow: z.boolean().optional(),
    weekStart: z.string().optional(),
    refresh: z.string().optional(),
    schemaVersion: z.number().int().min(36),
    version: z.number().int().optional(),
    panels: z.array(z.union([row, panel])),
    templating: z.strictObject({ list: z.array(variable).optional() }),
    annotations: z.strictObject({ list: z.array(annotation).optional() }),
    links: z.array(z.unknown()).optional(),
    preload: z.boolean().optional(),
  })
  .superRefine((d, ctx) => {
    const ids = d.panels.flatMap((p) => [p.id, ...('panels' in p ? p.panels.map((q) => q.id) : [])]);
    const seen = new Set<number>();
    for (const id of ids) {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `panel id ${id} is used twice` });
      seen.add(id);
    }
  });
