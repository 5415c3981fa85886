/** What the traffic saw, for the test's assertions. */
export interface TrafficStats {
  logins: number;
  /** Logins of customers that asked for the second factor: the flag reached someone out of scope. */
  customersAskedForMfa: number;
  /** Staff logins that asked for MFA, and those that did not, since the last reset. */
  staffMfa: number;
  staffPlain: number;
  errors: string[];
}

/**
 * Staff and customers of examples/staff-login logging in as its README describes (password, the
 * code when asked, a look at the session, logout), round-robin over every account. A client of the
 * logout-loop bug logs out when its fresh session is rejected and logs in once more.
 */
export class StaffLoginTraffic {
  readonly stats: TrafficStats = {
    logins: 0,
    customersAskedForMfa: 0,
    staffMfa: 0,
    staffPlain: 0,
    errors: [],
  };
  private running = false;
  private loops: Promise<void>[] = [];
  private next = 0;
  private readonly accounts: string[];

  constructor(
    private readonly url: string,
    staff = 200,
    customers = 200,
  ) {
    this.accounts = [];
    for (let i = 1; i <= Math.max(staff, customers); i++) {
      if (i <= staff) this.accounts.push(`staff-${i}`);
      if (i <= customers) this.accounts.push(`customer-${i}`);
    }
  }

  /** Starts `workers` clients, each pausing `pauseMs` between visits. */
  start(workers = 2, pauseMs = 40): void {
    this.running = true;
    for (let w = 0; w < workers; w++) this.loops.push(this.loop(pauseMs));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops.splice(0));
  }

  /** Zeroes the staff counters, e.g. to observe the SDK's view after a rollback. */
  resetStaff(): void {
    this.stats.staffMfa = 0;
    this.stats.staffPlain = 0;
  }

  private async loop(pauseMs: number): Promise<void> {
    while (this.running) {
      const user = this.accounts[this.next++ % this.accounts.length] ?? 'staff-1';
      try {
        await this.visit(user);
      } catch (error) {
        if (this.stats.errors.length < 20) this.stats.errors.push(`${user}: ${String(error)}`);
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }

  private async post(path: string, body: unknown, token?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, string> };
  }

  /** Logs in; the session token, or undefined when the login was refused or failed. */
  private async logIn(user: string): Promise<string | undefined> {
    this.stats.logins += 1;
    const first = await this.post('/login', { user, password: `${user}-pw` });
    if (first.status !== 200) return undefined;
    const customer = user.startsWith('customer-');
    if (first.body.status === 'ok') {
      if (!customer) this.stats.staffPlain += 1;
      return first.body.token;
    }
    if (customer) this.stats.customersAskedForMfa += 1;
    else this.stats.staffMfa += 1;
    const verified = await this.post('/mfa/verify', { challenge: first.body.challenge, code: '123456' });
    return verified.status === 200 ? verified.body.token : undefined;
  }

  private async visit(user: string): Promise<void> {
    const token = await this.logIn(user);
    if (!token) return;
    const session = await fetch(`${this.url}/session`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    });
    await this.post('/logout', {}, token);
    if (session.status !== 401) return;
    // Rejected right after login: the client logs in again, and bounces out again.
    const again = await this.logIn(user);
    if (again) await this.post('/logout', {}, again);
  }
}
