/**
 * Whether `labels` carry every matcher of `match`. An empty `match` never matches, so a rollout
 * whose `alerts.match` is `{}` cannot be rolled back by every alert in the organisation.
 */
export function labelsMatch(
  labels: Readonly<Record<string, string>>,
  match: Readonly<Record<string, string>>,
): boolean {
  const wanted = Object.entries(match);
  return wanted.length > 0 && wanted.every(([k, v]) => labels[k] === v);
}
