import { UnleashFlagBackend } from '../../../../src/flag-backends/unleash/unleash-flag-backend.js';
import { FakeUnleashAdminApi } from '../../../support/fake-unleash-admin-api.js';
import { describeFlagBackendContract } from '../../../support/flag-backend-contract.js';

// The same contract runs against a real unleash-server in test/integration/unleash/.
const api = new FakeUnleashAdminApi();
describeFlagBackendContract(
  'UnleashFlagBackend over the in-memory fake Admin API',
  () => new UnleashFlagBackend(api),
);
