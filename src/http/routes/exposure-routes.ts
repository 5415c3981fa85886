import { Router } from 'express';
import type { Controller } from '../../controller/controller.js';
import { exposureReport } from '../../exposure/exposure-report.js';
import { requireRole } from '../auth.js';
import { exposureBodySchema } from '../exposure-schema.js';
import { parseBody } from '../parse-body.js';

/**
 * POST /api/rollouts/:name/exposure: who had the flag on in a window (a read: nothing changes, the
 * same body gives the same answer once the window is over). The rollout's running spec gives the
 * flag's stickiness, group and scope; its audit log gives the percentage timeline.
 */
export function exposureRoutes(deps: { controller: Pick<Controller, 'status' | 'audit'> }): Router {
  const router = Router();
  router.post('/api/rollouts/:name/exposure', requireRole('read'), async (req, res) => {
    const body = parseBody(exposureBodySchema, req);
    const state = await deps.controller.status(req.params.name as string);
    const audit = await deps.controller.audit({ rollout: state.name });
    res.json(exposureReport(state.name, state.spec.flag, audit, body));
  });
  return router;
}
