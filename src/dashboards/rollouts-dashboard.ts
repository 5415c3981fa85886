import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import { PHASES } from '../rollout/phase.js';
import {
  DATASOURCE,
  datasourceVariable,
  eventAnnotation,
  movedWithin,
  panelIds,
  promQuery,
  rolloutVariable,
  thresholds,
  timeSeriesPanel,
  valueMapping,
} from './grafana-parts.js';
import { withActivityRows } from './rollouts-activity-panels.js';

const ROLLOUTS_DASHBOARD_UID = 'rampart-rollouts';

const R = 'rollout=~"$rollout"';

export const PHASE_COLORS: Record<(typeof PHASES)[number], string> = {
  pending: 'text',
  ramping: 'blue',
  awaiting_approval: 'purple',
  paused: 'orange',
  completed: 'green',
  rolled_back: 'red',
  soaking: 'yellow',
};

/**
 * rampart_rollout_phase is one-hot; weighting each phase by its index turns it into one series
 * per rollout whose value names the phase, which a state timeline can colour.
 */
export function phaseCodeExpr(rollout = R): string {
  const terms = PHASES.map((p, i) => `rampart_rollout_phase{${rollout},phase="${p}"} * ${i}`);
  return `sum by (rollout) (${terms.join(' or ')})`;
}

export const VERDICTS = [
  { value: 0, text: 'pass', color: 'green' },
  { value: 1, text: 'inconclusive', color: 'blue' },
  { value: 2, text: 'error', color: 'orange' },
  { value: 3, text: 'fail', color: 'red' },
];

function guardrailVariable(): dashboard.QueryVariableBuilder {
  const query = 'label_values(rampart_guardrail_verdict{rollout=~"$rollout"}, guardrail)';
  return new dashboard.QueryVariableBuilder('guardrail')
    .label('Guardrail')
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

/** "rampart — rollouts": what rampart did to each rollout, why, and whether rampart itself is healthy. */
export function rolloutsDashboard(): dashboard.Dashboard {
  const id = panelIds();
  const G = 'guardrail=~"$guardrail"';
  const d = new dashboard.DashboardBuilder('rampart — rollouts')
    .uid(ROLLOUTS_DASHBOARD_UID)
    .description(
      'Rollout percentage, phase and guardrail verdicts of rampart, with its decisions as annotations.',
    )
    .tags(['rampart'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable())
    .withVariable(rolloutVariable({ multi: true }))
    .withVariable(guardrailVariable())
    .annotation(
      eventAnnotation({
        name: 'Rollbacks',
        expr: `sum by (rollout, reason) (increase(rampart_rollbacks_total{${R}}[2m])) > 0`,
        color: 'red',
        title: 'Rollback of {{rollout}}',
        text: 'reason: {{reason}}',
      }),
    )
    .annotation(
      eventAnnotation({
        name: 'Approvals',
        expr: `sum by (rollout) (increase(rampart_commands_total{${R},command="approve"}[2m])) > 0`,
        color: 'purple',
        title: 'Step of {{rollout}} approved',
        text: 'approved by a release manager',
      }),
    )
    .annotation(
      eventAnnotation({
        name: 'Phase transitions',
        expr: `sum by (rollout, from, to) (${movedWithin(`rampart_transitions_total{${R}}`)}) > 0`,
        color: 'blue',
        title: '{{rollout}}: {{from}} -> {{to}}',
        text: 'phase transition',
      }),
    )
    .withRow(new dashboard.RowBuilder('Rollouts').id(id()))
    .withPanel(
      timeSeriesPanel(id(), 'Rollout percentage', 'Percentage of the flag as read back from its backend.')
        .withTarget(promQuery(`max by (rollout) (rampart_rollout_percentage{${R}})`, '{{rollout}}'))
        .unit('percent')
        .min(0)
        .max(100)
        .lineInterpolation(common.LineInterpolation.StepAfter),
    )
    .withPanel(
      new statetimeline.PanelBuilder()
        .id(id())
        .title('Phase')
        .description('Phase of each rollout over time.')
        .height(8)
        .span(12)
        .withTarget(promQuery(phaseCodeExpr(), '{{rollout}}'))
        .mappings(valueMapping(PHASES.map((p, i) => ({ value: i, text: p, color: PHASE_COLORS[p] }))))
        .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
        .thresholds(thresholds([{ value: null, color: 'text' }])),
    )
    .withRow(new dashboard.RowBuilder('Guardrails').id(id()))
    .withPanel(
      new statetimeline.PanelBuilder()
        .id(id())
        .title('Guardrail verdicts')
        .description('Latest verdict of each guardrail at every tick.')
        .height(8)
        .span(24)
        .withTarget(
          promQuery(
            `max by (rollout, guardrail) (rampart_guardrail_verdict{${R},${G}})`,
            '{{rollout}} / {{guardrail}}',
          ),
        )
        .mappings(valueMapping(VERDICTS))
        .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
        .thresholds(thresholds([{ value: null, color: 'text' }])),
    )
    .withPanel(
      timeSeriesPanel(
        id(),
        'Estimate against bound: $guardrail',
        'The estimate of the tested quantity and its confidence bound, which the guardrail compares with its limit.',
      )
        .repeat('guardrail')
        .repeatDirection('h')
        .maxPerRow(2)
        .withTarget(
          promQuery(
            `max by (rollout) (rampart_guardrail_estimate{${R},guardrail="$guardrail"})`,
            '{{rollout}} estimate',
            'A',
          ),
        )
        .withTarget(
          promQuery(
            `max by (rollout) (rampart_guardrail_bound{${R},guardrail="$guardrail"})`,
            '{{rollout}} bound',
            'B',
          ),
        ),
    );
  return withActivityRows(d, id).build();
}
