// rampart status page: a plain browser script without dependencies (works offline, no build step).
// The page itself is public and holds no data; everything below is read from the JSON API with the
// token the user pastes, which stays in this tab's sessionStorage.
(() => {
  const TOKEN_KEY = 'rampart-token';
  const REFRESH_MS = 1500;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const COMMANDS = [
    // A pending rollout writes nothing to the flag until someone starts it.
    { kind: 'start', label: 'Start', enabled: (p, d) => p === 'pending' && d.start !== null },
    {
      kind: 'pause',
      label: 'Pause',
      enabled: (p) => p === 'ramping' || p === 'awaiting_approval' || p === 'pending' || p === 'soaking',
    },
    { kind: 'resume', label: 'Resume', enabled: (p) => p === 'paused' || p === 'rolled_back' },
    { kind: 'approve', label: 'Approve', enabled: (p) => p === 'awaiting_approval' },
    { kind: 'rollback', label: 'Roll back', enabled: (p) => p !== 'rolled_back' },
  ];
  const sections = new Map();
  let timer;
  let refreshing = false;

  const byId = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const child of children) node.append(child);
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(message) {
    const box = byId('error');
    box.textContent = message || '';
    box.hidden = !message;
  }

  class AuthError extends Error {}

  async function api(path, init) {
    const token = sessionStorage.getItem(TOKEN_KEY) || '';
    const headers = { authorization: `Bearer ${token}` };
    if (init?.body) headers['content-type'] = 'application/json';
    const res = await fetch(path, { ...init, headers, cache: 'no-store' });
    const body = await res.json().catch(() => ({}));
    if (res.status === 401) throw new AuthError(body.message || 'token not accepted');
    if (!res.ok) throw new Error(`${body.message || `HTTP ${res.status}`}`);
    return body;
  }

  const pct = (n) => (n === undefined || n === null ? '—' : `${n} %`);
  const num = (n) =>
    n === undefined || n === null || Number.isNaN(n)
      ? '—'
      : Math.abs(n) >= 100 || Number.isInteger(n)
        ? String(Math.round(n * 100) / 100)
        : n.toFixed(3);
  const time = (iso) => new Date(iso).toLocaleTimeString();

  function evidenceText(e) {
    if (!e) return '';
    const parts = [];
    for (const arm of ['treatment', 'control']) {
      const a = e[arm];
      if (!a) continue;
      const events = a.events === undefined ? '' : ` events=${num(a.events)}`;
      const estimate = a.estimate === undefined ? '' : ` est=${num(a.estimate)}`;
      parts.push(`${arm}: n=${num(a.n)}${events}${estimate}`);
    }
    for (const key of ['estimate', 'bound', 'limit', 'pValue']) {
      if (e[key] !== undefined) parts.push(`${key}=${num(e[key])}`);
    }
    return parts.join(' · ');
  }

  function createSection(name) {
    const reasonId = `reason-${name}`;
    const reason = el('input', { id: reasonId, type: 'text', placeholder: 'why (goes into the audit log)' });
    const buttons = COMMANDS.map((c) => {
      const button = el('button', { type: 'button', 'data-command': c.kind, text: c.label });
      button.addEventListener('click', () => send(name, c.kind, reason));
      return { command: c, button };
    });
    const parts = {
      header: el('div', { class: 'facts' }),
      chart: el('div', { class: 'chart' }),
      next: el('div', { class: 'next' }),
      guardrails: el('div', { class: 'guardrails' }),
      audit: el('div', { class: 'audit' }),
      result: el('p', { class: 'result', 'aria-live': 'polite' }),
    };
    const controls = el(
      'div',
      { class: 'controls', role: 'group', 'aria-label': `Commands for ${name}` },
      el('label', { for: reasonId, text: 'Reason' }),
      reason,
      ...buttons.map((b) => b.button),
    );
    const root = el(
      'section',
      { class: 'rollout', 'aria-labelledby': `title-${name}` },
      el('h2', { id: `title-${name}`, text: name }),
      parts.header,
      controls,
      parts.result,
      el('h3', { text: 'Percentage over time' }),
      parts.chart,
      el('h3', { text: 'Guardrails' }),
      parts.guardrails,
      el('h3', { text: 'Next step' }),
      parts.next,
      el('h3', { text: 'Audit trail' }),
      parts.audit,
    );
    byId('rollouts').append(root);
    const section = { root, parts, buttons, audit: [], cursor: undefined };
    sections.set(name, section);
    return section;
  }

  async function send(name, kind, reasonInput) {
    const reason = reasonInput.value.trim() || 'via the status page (no reason given)';
    const section = sections.get(name);
    try {
      const answer = await api(`/api/rollouts/${encodeURIComponent(name)}/${kind}`, {
        method: 'POST',
        body: JSON.stringify({ reason }),
      });
      section.parts.result.textContent = `${kind}: ${answer.status}${answer.result ? ` — ${answer.result}` : ''}`;
      reasonInput.value = '';
      await refresh();
    } catch (error) {
      handleError(error);
    }
  }

  async function loadAudit(section, name) {
    for (;;) {
      const cursor = section.cursor === undefined ? '' : `&cursor=${section.cursor}`;
      const page = await api(`/api/rollouts/${encodeURIComponent(name)}/audit?limit=500${cursor}`);
      section.audit.push(...page.entries);
      const last = page.entries.at(-1);
      if (last) section.cursor = last.seq;
      if (page.nextCursor === null || page.entries.length === 0) return;
    }
  }

  /** `3m 12s`: the age of a pending write. */
  function age(ms) {
    const s = Math.floor(ms / 1000);
    return s < 60
      ? `${s}s`
      : s < 3600
        ? `${Math.floor(s / 60)}m ${s % 60}s`
        : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  }

  /** A write rampart decided but has not seen read back: users do not get the decision yet. */
  function pendingWriteText(p) {
    const what =
      p.write.action === 'set'
        ? `set ${p.write.percentage} %`
        : p.write.action === 'zero'
          ? 'set 0 %'
          : 'turn off';
    if (p.attempts === 0) return `pending for ${age(p.ageMs)}: ${what} (${p.purpose})`;
    return `FAILING for ${age(p.ageMs)}: ${what} (${p.purpose}), ${p.attempts} failed attempt(s): ${p.lastError ?? 'no error recorded'}`;
  }

  function renderHeader(section, d) {
    const phase = el('span', { id: `phase-${d.name}`, class: `phase phase-${d.phase}`, text: d.phase });
    const step = d.step === null ? 'not started' : `step ${d.step + 1} of ${d.steps.length}`;
    const readBack =
      'error' in d.flagReadBack
        ? `unreadable: ${d.flagReadBack.error}`
        : `${d.flagReadBack.enabled ? 'on' : 'off'}, ${d.flagReadBack.percentage} %`;
    const dl = el(
      'dl',
      {},
      el('dt', { text: 'Phase' }),
      el('dd', {}, phase),
      el('dt', { text: 'Percentage' }),
      // The read-back percentage; the decision beside it only when they differ (a write is pending).
      el('dd', {
        id: `percentage-${d.name}`,
        text:
          (d.percentageSource === 'decided'
            ? `decided ${d.decidedPercentage} % (the flag could not be read)`
            : `${d.percentage} %`) +
          (d.percentageSource === 'decided' || d.percentage === d.decidedPercentage
            ? ''
            : ` as read back (rampart decided ${d.decidedPercentage} %)`) +
          ` (${step}: ${d.steps.join(' → ')} %)`,
      }),
      el('dt', { text: 'Flag' }),
      el('dd', { text: `${d.flag} — read back: ${readBack}` }),
    );
    if (d.pendingWrite)
      dl.append(
        el('dt', { text: 'Flag write' }),
        el('dd', { id: `write-${d.name}`, class: 'write-pending', text: pendingWriteText(d.pendingWrite) }),
      );
    // After a rollback of an embedded flag: which SDK instances have it off (or the stragglers).
    if (d.fleet)
      dl.append(
        el('dt', { text: 'Fleet' }),
        el('dd', {
          id: `fleet-${d.name}`,
          class: d.fleet.complete ? 'fleet-confirmed' : 'fleet-pending',
          text: `${d.fleet.waiting ? 'confirming: ' : ''}${d.fleet.summary}`,
        }),
      );
    if (d.reason) dl.append(el('dt', { text: 'Reason' }), el('dd', { text: d.reason }));
    if (d.start) dl.append(el('dt', { text: 'Start' }), el('dd', { text: d.start }));
    if (d.soakEndsAt)
      dl.append(el('dt', { text: 'Soak ends' }), el('dd', { text: new Date(d.soakEndsAt).toLocaleString() }));
    if (d.hold && d.hold !== d.start) dl.append(el('dt', { text: 'Holding' }), el('dd', { text: d.hold }));
    // A refused reload: the file on disk is not what runs, and the page must not pretend it is.
    if (d.refusedSpec) {
      const why = d.refusedSpec.problems.join('; ');
      dl.append(
        el('dt', { text: 'Spec file' }),
        el('dd', {
          id: `refused-spec-${d.name}`,
          text: `differs from the running spec; reload refused: ${why}`,
        }),
      );
    }
    if (d.description) dl.prepend(el('dt', { text: 'What' }), el('dd', { text: d.description }));
    section.parts.header.replaceChildren(dl);
    for (const { command, button } of section.buttons) {
      button.disabled = !command.enabled(d.phase, d);
      button.setAttribute('aria-label', `${command.label} ${d.name}`);
    }
  }

  function renderChart(section, d) {
    const W = 640;
    const H = 170;
    const L = 44;
    const R = 12;
    const T = 10;
    const B = 26;
    const points = section.audit
      .filter((e) => e.toPercentage !== null)
      .map((e) => ({ t: Date.parse(e.at), p: e.toPercentage, action: e.action }));
    const now = Date.now();
    const t0 = points.length ? points[0].t : now - 60_000;
    const span = Math.max(now - t0, 1000);
    const x = (t) => L + ((t - t0) / span) * (W - L - R);
    // Square-root scale: the 1 % and 5 % steps stay visible next to 100 %.
    const y = (p) => T + (1 - Math.sqrt(Math.max(p, 0) / 100)) * (H - T - B);
    const root = svg('svg', {
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': `Percentage of ${d.name} over time, now ${d.percentage} %`,
    });
    for (const p of [0, 1, 5, 25, 50, 100]) {
      root.append(svg('line', { x1: L, x2: W - R, y1: y(p), y2: y(p), class: 'grid' }));
      root.append(svg('text', { x: L - 6, y: y(p) + 4, 'text-anchor': 'end', class: 'axis' }, `${p}%`));
    }
    root.append(svg('text', { x: L, y: H - 6, class: 'axis' }, new Date(t0).toLocaleTimeString()));
    root.append(
      svg(
        'text',
        { x: W - R, y: H - 6, 'text-anchor': 'end', class: 'axis' },
        new Date(now).toLocaleTimeString(),
      ),
    );
    if (points.length) {
      let path = `M ${x(points[0].t)} ${y(points[0].p)}`;
      for (const pt of points.slice(1)) path += ` H ${x(pt.t)} V ${y(pt.p)}`;
      path += ` H ${x(now)}`;
      root.append(svg('path', { d: path, class: `line phase-${d.phase}` }));
      for (const pt of points) {
        if (pt.action !== 'rolled_back') continue;
        root.append(svg('circle', { cx: x(pt.t), cy: y(pt.p), r: 5, class: 'rollback-mark' }));
      }
    }
    section.parts.chart.replaceChildren(root);
  }

  /** Verdicts of the last tick; when a stopped rollout has none, those its last decision recorded. */
  function latestVerdicts(section, d) {
    if (d.verdicts.length)
      return { verdicts: d.verdicts, caption: d.verdictsAt ? `as of ${time(d.verdictsAt)}` : '' };
    for (let i = section.audit.length - 1; i >= 0; i--) {
      const entry = section.audit[i];
      const verdicts = entry.evidence?.verdicts;
      if (Array.isArray(verdicts) && verdicts.length) {
        return {
          verdicts,
          caption: `as recorded with "${entry.action}" at ${time(entry.at)} (audit #${entry.seq})`,
        };
      }
    }
    return { verdicts: [], caption: '' };
  }

  function renderGuardrails(section, d) {
    const { verdicts, caption } = latestVerdicts(section, d);
    if (!verdicts.length) {
      section.parts.guardrails.replaceChildren(el('p', { text: 'No verdicts yet.' }));
      return;
    }
    const rows = verdicts.map((v) =>
      el(
        'tr',
        { 'data-guardrail': v.guardrail },
        el('th', { scope: 'row', text: v.guardrail }),
        el('td', { text: v.kind || '—' }),
        el('td', {}, el('span', { class: `verdict verdict-${v.status}`, text: v.status })),
        el('td', { class: 'evidence', text: evidenceText(v.evidence) }),
        el('td', { text: v.reason }),
      ),
    );
    const head = el(
      'tr',
      {},
      ...['Guardrail', 'Kind', 'Verdict', 'Evidence', 'Reason'].map((h) =>
        el('th', { scope: 'col', text: h }),
      ),
    );
    section.parts.guardrails.replaceChildren(
      el('table', {}, el('caption', { text: caption }), el('thead', {}, head), el('tbody', {}, ...rows)),
    );
  }

  function renderNext(section, d) {
    if (!d.nextStep) {
      section.parts.next.replaceChildren(el('p', { text: `No next step (${d.phase}).` }));
      return;
    }
    const items = d.nextStep.conditions.map((c) =>
      el('li', { class: c.met ? 'met' : 'unmet' }, `${c.met ? '✓' : '✗'} ${c.name}: ${c.detail}`),
    );
    section.parts.next.replaceChildren(
      el('p', { text: `${pct(d.nextStep.percentage)} when:` }),
      el('ul', {}, ...items),
    );
  }

  function renderAudit(section) {
    const recent = section.audit.slice(-40).reverse();
    const head = el(
      'tr',
      {},
      ...['#', 'Time', 'Actor', 'Action', 'Change', 'Reason'].map((h) => el('th', { scope: 'col', text: h })),
    );
    const rows = recent.map((e) =>
      el(
        'tr',
        {},
        el('td', { text: e.seq }),
        el('td', { text: time(e.at) }),
        el('td', { text: e.actor }),
        el('td', { text: e.action }),
        el('td', {
          text: `${e.fromPhase ?? '—'} ${pct(e.fromPercentage)} → ${e.toPhase ?? '—'} ${pct(e.toPercentage)}`,
        }),
        el('td', { text: e.reason }),
      ),
    );
    section.parts.audit.replaceChildren(el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
  }

  async function renderRollout(name) {
    const section = sections.get(name) || createSection(name);
    const [detail] = await Promise.all([
      api(`/api/rollouts/${encodeURIComponent(name)}`),
      loadAudit(section, name),
    ]);
    renderHeader(section, detail);
    renderChart(section, detail);
    renderGuardrails(section, detail);
    renderNext(section, detail);
    renderAudit(section);
  }

  function handleError(error) {
    if (error instanceof AuthError) {
      logout(`Logged out: ${error.message}`);
      return;
    }
    showError(error instanceof Error ? error.message : String(error));
  }

  async function refresh() {
    if (refreshing) return;
    refreshing = true;
    try {
      const { rollouts } = await api('/api/rollouts');
      if (!rollouts.length) byId('rollouts').replaceChildren(el('p', { text: 'No rollouts.' }));
      for (const r of rollouts) await renderRollout(r.name);
      byId('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
      showError('');
    } catch (error) {
      handleError(error);
    } finally {
      refreshing = false;
    }
  }

  function login() {
    byId('login').hidden = true;
    byId('session').hidden = false;
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, REFRESH_MS);
  }

  function logout(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(timer);
    sections.clear();
    byId('rollouts').replaceChildren();
    byId('session').hidden = true;
    byId('login').hidden = false;
    showError(message || '');
  }

  document.addEventListener('DOMContentLoaded', () => {
    byId('login').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = byId('token');
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      input.value = '';
      login();
    });
    byId('logout').addEventListener('click', () => logout());
    if (sessionStorage.getItem(TOKEN_KEY)) login();
    else logout();
  });
})();
