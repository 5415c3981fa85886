import { createHash, timingSafeEqual } from 'node:crypto';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { RequestError } from '../../errors/request-error.js';
import { parseBody } from '../../http/parse-body.js';
import { type FaultSwitches, parseFaultName } from './fault-switches.js';
import { bearerToken } from './request-helpers.js';

const faultBody = z.strictObject({ name: z.string(), on: z.boolean() });
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** GET/POST /admin/faults behind a bearer admin token; without a configured token the routes are closed. */
export function adminRoutes(faults: FaultSwitches, adminToken: string | undefined): Router {
  const router = Router();
  const expected = adminToken ? digest(adminToken) : undefined;

  function authorize(req: Request): void {
    if (!expected) throw new RequestError('forbidden', 'admin endpoint disabled: no admin token configured');
    if (!timingSafeEqual(digest(bearerToken(req)), expected))
      throw new RequestError('unauthorized', 'admin token not accepted');
  }

  router.get('/admin/faults', (req, res) => {
    authorize(req);
    res.json({ faults: faults.list() });
  });

  router.post('/admin/faults', (req, res) => {
    authorize(req);
    const body = parseBody(faultBody, req);
    faults.set(parseFaultName(body.name, 'body.name'), body.on);
    res.json({ faults: faults.list() });
  });

  return router;
}
