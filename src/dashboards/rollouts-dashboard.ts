import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  DATASOURCE,
  datasourceVariable,
  eventAnnotation,
  movedWithin,
  panelIds,
  promQuery,
  rolloutVariable,
  timeSeriesPanel,
} from './grafana-parts.js';
import { withActivityRows } from './rollouts-activity-panels.js';
import { percentagePanel, phasePanel, verdictPanel } from './state-panels.js';

const ROLLOUTS_DASHBOARD_UID = 'rampart-rollouts';

const R = 'rollout=~"$rollout"';

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
      percentagePanel(
        id(),
        'Rollout percentage',
        promQuery(`max by (rollout) (rampart_rollout_percentage{${R}})`, '{{rollout}}'),
      ),
    )
    .withPanel(phasePanel(id(), 'Phase of each rollout over time.', undefined, '{{rollout}}'))
    .withRow(new dashboard.RowBuilder('Guardrails').id(id()))
    .withPanel(
      verdictPanel(
        id(),
        8,
        promQuery(
          `max by (rollout, guardrail) (rampart_guardrail_verdict{${R},${G}})`,
          '{{rollout}} / {{guardrail}}',
        ),
      ),
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
