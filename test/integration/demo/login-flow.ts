import { Secret, TOTP } from 'otpauth';
import { demoPassword } from '../../../src/demo/login-service/user-directory.js';
import { call } from './demo-harness.js';

export const codeFor = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) }).generate();

/** POST /login with the user's demo password. */
export const login = (baseUrl: string, user: string) =>
  call(baseUrl, 'POST', '/login', { body: { user, password: demoPassword(user) } });

/**
 * Full login of a user: password, then (for MFA users) enrollment when asked and a TOTP code.
 * Keeps each user's secret in `secrets`, like an authenticator app; throws on any non-2xx.
 */
export async function fullLogin(
  baseUrl: string,
  user: string,
  secrets: Map<string, string>,
): Promise<string> {
  const first = await login(baseUrl, user);
  if (first.status !== 200) throw new Error(`login ${user}: ${first.status} ${JSON.stringify(first.body)}`);
  if (first.body.status === 'ok') return String(first.body.token);
  const challenge = String(first.body.challenge);
  if (first.body.enrollmentRequired) {
    const enrolled = await call(baseUrl, 'POST', '/mfa/enroll', { body: { challenge } });
    if (enrolled.status !== 201) throw new Error(`enroll ${user}: ${enrolled.status}`);
    secrets.set(user, String(enrolled.body.secret));
  }
  const secret = secrets.get(user);
  if (!secret) throw new Error(`no secret for ${user}`);
  const verified = await call(baseUrl, 'POST', '/mfa/verify', { body: { challenge, code: codeFor(secret) } });
  if (verified.status !== 200)
    throw new Error(`verify ${user}: ${verified.status} ${JSON.stringify(verified.body)}`);
  return String(verified.body.token);
}
