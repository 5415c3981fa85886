import { redactUrl } from '../errors/redact-url.js';
import type { FieldPath } from '../rollout-spec/field-path.js';
import { quote } from '../rollout-spec/field-path.js';
import { duplicateNameIssues } from '../rollout-spec/unique-names.js';
import type { PathIssue } from '../rollout-spec/zod-issues.js';

/* Rules of rampart.yaml beyond the schema, run on the raw YAML value (types may be wrong: zod reports that). */

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function exactlyOne(body: Raw, keys: readonly string[], path: FieldPath, what: string): PathIssue[] {
  const found = keys.filter((k) => body[k] !== undefined);
  if (found.length === 1) return [];
  const detail = found.length === 0 ? 'found none' : `found ${found.join(' and ')}`;
  return [{ path, at: 'value', message: `${what} needs exactly one of ${keys.join(' | ')}; ${detail}` }];
}

function entries(value: unknown): [string, Raw][] {
  return isRecord(value) ? Object.entries(value).filter((e): e is [string, Raw] => isRecord(e[1])) : [];
}

function storeRules(store: unknown): PathIssue[] {
  if (!isRecord(store) || typeof store.url !== 'string') return [];
  const { url } = store;
  // Messages quote the URL only redacted: it may carry a password however it is written.
  const shown = quote(redactUrl(url));
  const path = ['store', 'url'];
  if (url.startsWith('sqlite:')) {
    if (url.length === 'sqlite:'.length)
      return [{ path, at: 'value', message: `${shown} needs a file path, e.g. sqlite:./data/rampart.db` }];
    const extra = ['passwordEnv', 'passwordFile'].filter((k) => store[k] !== undefined);
    return extra.map((k) => ({
      path: ['store', k],
      at: 'key',
      message: `${k} is only for postgres:// stores`,
    }));
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    return [
      {
        path,
        at: 'value',
        message: `${shown} is not allowed; expected sqlite:PATH or postgres://user@host:port/database`,
      },
    ];
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ path, at: 'value', message: `${shown} is not a valid postgres:// URL` }];
  }
  const inQuery = [...parsed.searchParams.keys()].find((k) =>
    ['password', 'sslpassword'].includes(k.toLowerCase()),
  );
  if (parsed.password !== '' || inQuery !== undefined) {
    // Never echo the password back: it would end up in logs and CI output.
    const form = inQuery === undefined ? 'a password' : `a ${inQuery}= parameter`;
    return [
      {
        path,
        at: 'value',
        message: `must not contain ${form}; use store.passwordEnv or store.passwordFile`,
      },
    ];
  }
  const both = store.passwordEnv !== undefined && store.passwordFile !== undefined;
  return both
    ? [{ path: ['store'], at: 'value', message: 'needs at most one of passwordEnv | passwordFile' }]
    : [];
}

/** Every cross-field rule of rampart.yaml. */
export function configRules(raw: unknown): PathIssue[] {
  if (!isRecord(raw)) return [];
  const issues: PathIssue[] = [];
  for (const [name, backend] of entries(raw.flagBackends)) {
    if (backend.type === 'unleash') {
      issues.push(
        ...exactlyOne(
          backend,
          ['adminTokenEnv', 'adminTokenFile'],
          ['flagBackends', name],
          'an unleash backend',
        ),
      );
    }
    if (
      backend.type === 'embedded' &&
      backend.clientTokensEnv !== undefined &&
      backend.clientTokensFile !== undefined
    ) {
      issues.push({
        path: ['flagBackends', name],
        at: 'value',
        message: 'an embedded backend needs at most one of clientTokensEnv | clientTokensFile',
      });
    }
  }
  const source = raw.metricSource;
  if (isRecord(source) && isRecord(source.auth)) {
    const path = ['metricSource', 'auth'];
    if (source.auth.type === 'bearer')
      issues.push(...exactlyOne(source.auth, ['tokenEnv', 'tokenFile'], path, 'bearer auth'));
    if (source.auth.type === 'basic') {
      issues.push(...exactlyOne(source.auth, ['passwordEnv', 'passwordFile'], path, 'basic auth'));
    }
  }
  issues.push(...storeRules(raw.store));
  if (Array.isArray(raw.apiTokens)) {
    raw.apiTokens.forEach((token: unknown, i) => {
      if (!isRecord(token)) return;
      issues.push(
        ...exactlyOne(token, ['sha256', 'tokenEnv', 'tokenFile'], ['apiTokens', i], 'an API token'),
      );
    });
    issues.push(...duplicateNameIssues(raw.apiTokens, 'apiTokens', 'token'));
  }
  for (const [name, notifier] of entries(raw.notifiers)) {
    if (notifier.type === 'slack-webhook') {
      issues.push(
        ...exactlyOne(notifier, ['urlEnv', 'urlFile'], ['notifiers', name], 'a slack-webhook notifier'),
      );
    }
  }
  return issues;
}
