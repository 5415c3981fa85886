import type { FlagBackend, FlagState } from '../flag-backends/flag-backend.js';
import type { FlagWrite } from '../rollout/rollout-state.js';
import type { FlagRef } from '../rollout-spec/rollout-spec-schema.js';

/** Executes one decided write and reads the flag back (a write's own answer is not trusted). */
export async function performWrite(
  backend: FlagBackend,
  flag: FlagRef,
  write: FlagWrite,
): Promise<FlagState> {
  switch (write.action) {
    case 'set':
      await backend.setPercentage(flag, write.percentage);
      break;
    case 'zero':
      await backend.setPercentage(flag, 0);
      break;
    case 'disable':
      await backend.disable(flag);
      break;
  }
  return backend.read(flag);
}
