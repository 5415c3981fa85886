import type {
  ClientFeatureSource,
  ClientFlag,
  ClientFlagSnapshot,
} from '../../src/flag-backends/client-feature-source.js';

/** Flags in memory for client API tests; every `set` bumps the revision, like the store does. */
export class InMemoryClientFeatureSource implements ClientFeatureSource {
  private readonly flags = new Map<string, ClientFlag>();
  private revision = 0;
  snapshots = 0;

  set(flag: Partial<ClientFlag> & Pick<ClientFlag, 'name'>): void {
    const full: ClientFlag = {
      project: 'default',
      environment: 'production',
      enabled: true,
      percentage: 0,
      stickiness: 'userId',
      groupId: flag.name,
      constraints: [],
      ...flag,
    };
    this.flags.set(`${full.project}/${full.environment}/${full.name}`, full);
    this.revision++;
  }

  async snapshot(): Promise<ClientFlagSnapshot> {
    this.snapshots++;
    return { flags: [...this.flags.values()].map((f) => ({ ...f })), revision: String(this.revision) };
  }
}
