import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import {
  datasourceVariable,
  eventAnnotation,
  panelIds,
  promQuery,
  rolloutVariable,
  thresholds,
  timeSeriesPanel,
} from './grafana-parts.js';

const MFA_LOGIN_HEALTH_DASHBOARD_UID = 'rampart-mfa-login-health';

const RATE = '[$__rate_interval]';

/** Per-variant share of `metric` events matching `good`, e.g. login success rate. */
function ratioByVariant(metric: string, good: string): string {
  return `sum by (variant) (rate(${metric}{${good}}${RATE})) / sum by (variant) (rate(${metric}${RATE}))`;
}

/**
 * "MFA login health": the login signals of the metrics contract, treatment next to control, as
 * rampart's guardrails for the mfa-staff rollout see them.
 */
export function mfaLoginHealthDashboard(): dashboard.Dashboard {
  const id = panelIds();
  return new dashboard.DashboardBuilder('MFA login health')
    .uid(MFA_LOGIN_HEALTH_DASHBOARD_UID)
    .description('Login health of users with the MFA flag (treatment) against those without (control).')
    .tags(['rampart', 'mfa'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable())
    .withVariable(rolloutVariable({ multi: false, current: 'mfa-staff' }))
    .annotation(
      eventAnnotation({
        name: 'Rollbacks',
        expr: 'sum by (rollout, reason) (increase(rampart_rollbacks_total{rollout="$rollout"}[2m])) > 0',
        color: 'red',
        title: 'Rollback of {{rollout}}',
        text: 'reason: {{reason}}',
      }),
    )
    .withRow(new dashboard.RowBuilder('Logins').id(id()))
    .withPanel(
      timeSeriesPanel(
        id(),
        'Login success by variant',
        'Share of login attempts that succeed (the login-success guardrail).',
      )
        .withTarget(promQuery(ratioByVariant('login_attempts_total', 'result="success"'), '{{variant}}'))
        .unit('percentunit')
        .max(1),
    )
    .withPanel(
      timeSeriesPanel(id(), 'Login attempts by variant and result', 'Login attempts per second.')
        .withTarget(
          promQuery(`sum by (variant, result) (rate(login_attempts_total${RATE}))`, '{{variant}} {{result}}'),
        )
        .unit('reqps'),
    )
    .withPanel(
      timeSeriesPanel(id(), 'MFA challenge pass rate', 'Share of MFA challenges passed, by variant.')
        .withTarget(promQuery(ratioByVariant('mfa_challenges_total', 'result="success"'), '{{variant}}'))
        .unit('percentunit')
        .max(1),
    )
    .withPanel(
      timeSeriesPanel(
        id(),
        'Logouts per login by variant',
        'Logouts per login attempt (the logout-loop guardrail): a "log out on rejected token" loop shows here while login success stays high.',
      )
        .withTarget(
          promQuery(
            `sum by (variant) (rate(logouts_total${RATE})) / sum by (variant) (rate(login_attempts_total${RATE}))`,
            '{{variant}}',
          ),
        )
        .decimals(2),
    )
    .withRow(new dashboard.RowBuilder('Enrollment and errors').id(id()))
    .withPanel(
      new stat.PanelBuilder()
        .id(id())
        .title('Enrollment owner mismatches')
        .description('MFA enrollments bound to another account in the time range; must stay 0.')
        .height(8)
        .span(6)
        .withTarget(
          promQuery(
            'sum by (variant) (increase(mfa_enrollment_owner_mismatch_total[$__range]))',
            '{{variant}}',
          ).instant(),
        )
        .decimals(0)
        .thresholds(
          thresholds([
            { value: null, color: 'green' },
            { value: 1, color: 'red' },
          ]),
        ),
    )
    .withPanel(
      timeSeriesPanel(
        id(),
        'MFA enrollments and owner mismatches',
        'Enrollments per second and any enrollment bound to another account.',
      )
        .span(6)
        .withTarget(
          promQuery(`sum by (variant) (rate(mfa_enrollments_total${RATE}))`, 'enrollments {{variant}}', 'A'),
        )
        .withTarget(
          promQuery(
            `sum by (variant) (increase(mfa_enrollment_owner_mismatch_total${RATE}))`,
            'owner mismatches {{variant}}',
            'B',
          ),
        ),
    )
    .withPanel(
      timeSeriesPanel(id(), '5xx by variant', 'Share of HTTP responses with a 5xx code.')
        .withTarget(
          promQuery(
            `sum by (variant) (rate(http_requests_total{code=~"5.."}${RATE})) / sum by (variant) (rate(http_requests_total${RATE}))`,
            '{{variant}}',
          ),
        )
        .unit('percentunit'),
    )
    .withRow(new dashboard.RowBuilder('Distinct users').id(id()))
    .withPanel(
      timeSeriesPanel(
        id(),
        'Users with a failed or 5xx login per exposed user',
        'Distinct users (counted once per flag configuration) with a bad login, over distinct exposed users: a locked account retrying 20 times is one user.',
      )
        .withTarget(
          promQuery(
            `sum by (variant) (increase(login_users_total{result=~"failure|error"}${RATE})) / sum by (variant) (increase(flag_exposed_users_total${RATE}))`,
            'login {{variant}}',
            'A',
          ),
        )
        .withTarget(
          promQuery(
            `sum by (variant) (increase(mfa_users_total{result="failure"}${RATE})) / sum by (variant) (increase(flag_exposed_users_total${RATE}))`,
            'MFA {{variant}}',
            'B',
          ),
        )
        .unit('percentunit'),
    )
    .withPanel(
      timeSeriesPanel(
        id(),
        'Users logging out again per exposed user',
        'Distinct users who logged out a second time within their visit (a logout loop), over distinct exposed users; re-logins do not inflate the denominator.',
      )
        .withTarget(
          promQuery(
            `sum by (variant) (increase(logout_users_total{repeat="again"}${RATE})) / sum by (variant) (increase(flag_exposed_users_total${RATE}))`,
            '{{variant}}',
          ),
        )
        .unit('percentunit'),
    )
    .withRow(new dashboard.RowBuilder('Exposures').id(id()))
    .withPanel(
      timeSeriesPanel(
        id(),
        'Treatment share of exposures against the configured split',
        'Observed share of sessions exposed to treatment next to the percentage rampart set (the exposure-balance guardrail).',
      )
        .withTarget(
          promQuery(
            `100 * sum(rate(flag_exposures_total{variant="treatment"}${RATE})) / sum(rate(flag_exposures_total${RATE}))`,
            'observed treatment share',
            'A',
          ),
        )
        .withTarget(
          promQuery('max(rampart_rollout_percentage{rollout="$rollout"})', 'configured ($rollout)', 'B'),
        )
        .unit('percent')
        .min(0)
        .max(100)
        .lineInterpolation(common.LineInterpolation.StepAfter),
    )
    .withPanel(
      timeSeriesPanel(id(), 'Exposures by variant', 'Sessions exposed to the flag per second, by variant.')
        .withTarget(promQuery(`sum by (variant) (rate(flag_exposures_total${RATE}))`, '{{variant}}'))
        .unit('ops'),
    )
    .build();
}
