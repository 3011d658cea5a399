import { useEffect, useState } from 'preact/hooks';
import { age, api, html, number, every } from '../lib.js';
import { BackfillsSection } from './backfills.js';

const CIRCUIT_WORDS = { closed: 'Connected', open: 'Circuit open: calls paused', 'half-open': 'Testing the connection', isolated: 'Isolated by an operator' };

function Bar({ value, max, label }) {
  const ratio = max > 0 ? Math.min(1, value / max) : 0;
  const level = ratio >= 0.9 ? 'critical' : ratio >= 0.7 ? 'warning' : 'ok';
  return html`<div class="bar-row">
    <div class="bar-label">${label}</div>
    <div class="bar" role="meter" aria-valuemin="0" aria-valuemax=${max} aria-valuenow=${value} aria-label=${label}>
      <div class=${`bar-fill ${level}`} style=${{ width: `${Math.round(ratio * 100)}%` }}></div>
    </div>
    <div class="bar-value">${number(value)} / ${number(max)}</div>
  </div>`;
}

function TargetCard({ target }) {
  const circuitClass = target.circuit === 'closed' ? 'ok' : target.circuit === 'half-open' ? 'warning' : 'critical';
  const queue = target.queue;
  return html`<section class="card target" data-target=${target.target}>
    <header class="card-head">
      <h3>${target.displayName}</h3>
      <span class=${`pill ${circuitClass}`}>${CIRCUIT_WORDS[target.circuit] ?? target.circuit}</span>
    </header>
    ${target.quota && html`<${Bar} label="API quota used" value=${target.quota.used} max=${target.quota.limit} />`}
    ${target.costPoints && html`<${Bar} label="Cost points in use" value=${target.costPoints.capacity - target.costPoints.available} max=${target.costPoints.capacity} />`}
    <${Bar} label="Requests in flight" value=${target.concurrency.inFlight} max=${target.concurrency.effective} />
    <dl class="facts">
      <div><dt>Waiting</dt><dd>${number(queue.pending)}</dd></div>
      <div><dt>Sending</dt><dd>${number(queue.inFlight)}</dd></div>
      <div><dt>Failed</dt><dd class=${queue.dead > 0 ? 'bad' : ''}>${number(queue.dead)}</dd></div>
      <div><dt>Oldest waiting</dt><dd>${age(queue.oldestPendingAgeMs)}</dd></div>
    </dl>
    ${target.concurrency.effective < target.concurrency.limit && html`<p class="muted">Slowed down to ${target.concurrency.effective} of ${target.concurrency.limit} parallel requests after throttling.</p>`}
    ${target.pausedUntil && html`<p class="warning-text">Paused by the system's rate limit until ${new Date(target.pausedUntil).toLocaleTimeString()}.</p>`}
  </section>`;
}

function Panel({ panel, navigate }) {
  return html`<section class=${`card panel ${panel.status}`} data-panel=${panel.id}>
    <header class="card-head"><h3>${panel.title}</h3><span class=${`pill ${panel.status}`}>${panel.status}</span></header>
    <div class="big">${panel.value === null ? '—' : `${number(panel.value)}${panel.atLeast ? '+' : ''}`}</div>
    <p>${panel.summary}</p>
    ${panel.items.length > 0 &&
    html`<ul class="panel-items">
      ${panel.items.map((item) => html`<li><a href="#" onClick=${(event) => { event.preventDefault(); navigate('trace', { q: item.businessKey }); }}>${item.businessKey}</a> <span class="muted">${item.detail}</span></li>`)}
    </ul>`}
  </section>`;
}

export function HealthPage({ navigate }) {
  const [health, setHealth] = useState(null);
  const [error, setError] = useState('');
  useEffect(
    () =>
      every(5000, () =>
        api('health')
          .then((result) => {
            setHealth(result);
            setError('');
          })
          .catch((failure) => setError(failure.message)),
      ),
    [],
  );
  if (!health) return html`<h1>Business health</h1>${error ? html`<p class="error">${error}</p>` : html`<p>Loading…</p>`}`;
  const maxLag = Math.max(0, ...health.eventLog.consumers.map((consumer) => consumer.lag));
  return html`<h1>Business health</h1>
    ${error && html`<p class="error">Could not refresh: ${error}</p>`}
    <section class="summary-cards">
      <a class=${`card stat ${health.exceptions.open > 0 ? 'critical' : 'ok'}`} href="#/exceptions" data-stat="open-exceptions">
        <div class="big">${number(health.exceptions.open)}</div><div>open exceptions</div>
      </a>
      <div class=${`card stat ${maxLag > 1000 ? 'warning' : 'ok'}`} data-stat="lag"><div class="big">${number(maxLag)}</div><div>events not yet processed</div></div>
      <div class="card stat" data-stat="flows-waiting"><div class="big">${number(health.flows.waiting)}${health.flows.atLeast ? '+' : ''}</div><div>flows waiting for a system</div></div>
      <div class=${`card stat ${health.flows.failed > 0 ? 'critical' : 'ok'}`} data-stat="flows-failed"><div class="big">${number(health.flows.failed)}</div><div>flows stopped on an error</div></div>
    </section>
    ${health.panels.length > 0 && html`<h2>Business checks</h2><section class="grid">${health.panels.map((panel) => html`<${Panel} panel=${panel} navigate=${navigate} />`)}</section>`}
    <h2>Systems</h2>
    <section class="grid">${health.targets.map((target) => html`<${TargetCard} target=${target} />`)}</section>
    <${BackfillsSection} />
    <h2>Event log</h2>
    <table class="table compact">
      <thead><tr><th>Consumer</th><th>Position</th><th>Behind by</th></tr></thead>
      <tbody>${health.eventLog.consumers.map((consumer) => html`<tr><td>${consumer.name}</td><td>${number(consumer.position)} of ${number(health.eventLog.head)}</td><td>${number(consumer.lag)} events</td></tr>`)}</tbody>
    </table>
    <p class="muted">Updated ${new Date(health.at).toLocaleTimeString()}; refreshes every 5 seconds.</p>`;
}
