import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FlagChangeSignal } from '../../../src/flag-backends/flag-change-signal.js';
import { FleetTracker } from '../../../src/flag-backends/fleet/fleet-tracker.js';
import { ClientStreamHub } from '../../../src/http/routes/client-stream-hub.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { ManualTicker, settle } from '../../../src/time/manual-ticker.js';
import { InMemoryClientFeatureSource } from '../../support/in-memory-client-feature-source.js';

/** The part of an express Response the hub uses, recording what it is sent. */
class FakeResponse extends EventEmitter {
  text = '';
  writableLength = 0;
  destroyed = false;
  writeHead() {
    return this;
  }
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
  end() {
    this.emit('close');
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
  events() {
    return [...this.text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
  }
}

function setup() {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 9));
  const ticker = new ManualTicker(clock);
  const source = new InMemoryClientFeatureSource();
  source.set({ name: 'mfa', percentage: 100 });
  const changes = new FlagChangeSignal();
  const fleet = new FleetTracker({ clock });
  const registry = new Registry();
  const hub = new ClientStreamHub(
    source,
    { ticker, changes, maxConnections: 2, heartbeatMs: 15_000, revisionPollMs: 1000 },
    registry,
    fleet,
  );
  const open = async (instanceId: string) => {
    const res = new FakeResponse();
    await hub.accept(res as unknown as Response, {
      appName: 'login',
      instanceId,
      render: (snapshot) => snapshot.flags.map((f) => ({ name: f.name, enabled: f.enabled })),
    });
    return res;
  };
  return { ticker, source, changes, fleet, registry, hub, open };
}

describe('ClientStreamHub', () => {
  it('pushes a write of this replica at once, and one of another replica at the next revision poll', async () => {
    const { ticker, source, changes, fleet, hub, open } = setup();
    const res = await open('pod-1');
    expect(res.events()).toEqual(['unleash-connected']);
    expect(res.text).toContain(
      'data: {"events":[{"eventId":1,"type":"hydration","features":[{"name":"mfa","enabled":true}],"segments":[]}]}',
    );

    source.set({ name: 'mfa', enabled: false });
    changes.emit();
    await settle();
    expect(res.events()).toEqual(['unleash-connected', 'unleash-updated']);
    expect(res.text).toMatch(
      /id: 2\ndata: \{"events":\[\{"eventId":2,"type":"hydration","features":\[\{"name":"mfa","enabled":false\}\]/,
    );
    expect(fleet.active(60_000)[0]).toMatchObject({
      instanceId: 'pod-1',
      revision: 2,
      lastChannel: 'streaming',
    });

    source.set({ name: 'mfa', enabled: true }); // written elsewhere: no signal here
    await ticker.advance(999);
    await settle();
    expect(res.events()).toHaveLength(2);
    await ticker.advance(1);
    await settle();
    expect(res.events()).toHaveLength(3);
    // An unchanged revision sends nothing.
    await ticker.advance(5000);
    await settle();
    expect(res.events()).toHaveLength(3);
    hub.close();
  });

  it('sends heartbeats, drops a client that does not read, and stops its timers when the last stream closes', async () => {
    const { ticker, registry, hub, open } = setup();
    const a = await open('a');
    const b = await open('b');
    expect(hub.hasRoom()).toBe(false);
    expect(await registry.metrics()).toContain('rampart_client_api_streams 2');
    await ticker.advance(15_000);
    expect(a.text).toContain(': heartbeat\n\n');
    b.writableLength = 2 << 20;
    await ticker.advance(15_000);
    expect(b.destroyed).toBe(true);
    expect(hub.size).toBe(1);
    a.emit('close');
    expect(hub.size).toBe(0);
    expect(ticker.pending).toBe(0);
    expect(await registry.metrics()).toContain('rampart_client_api_streams 0');
  });
});
