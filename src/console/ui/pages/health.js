import { useEffect, useState } from 'preact/hooks';
import { age, api, html, number, every } from '../lib.js';
import { BackfillsSection } from './backfills.js';

const CIRCUIT_WORDS = { closed: 'Connected', open: 'Circuit open: calls paused', 'half-open': 'Testing the connection', isolated: 'Isolated by an operator' };
/** The page shows business areas in this order (the API sends the panels in it too). */
const AREA_TITLES = { orders: 'Orders', shipments: 'Shipments', returns: 'Returns', inventory: 'Inventory', customers: 'Customers' };
/** Quota names as the connectors report them, in words. */
const QUOTA_WORDS = { DailyApiRequests: 'Daily API requests', graphqlCostPoints: 'GraphQL cost points', concurrency: 'Concurrent requests' };

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

/** The target's quota as its system reports it (or the hub's request window), flagged from 80 % and 95 %. */
function QuotaMeter({ quota }) {
  const name = QUOTA_WORDS[quota.name] ?? quota.name;
  const ratio = quota.limit > 0 ? Math.min(1, quota.used / quota.limit) : 0;
  return html`<div class="quota" data-quota=${quota.status} data-origin=${quota.origin}>
    <div class="quota-head">
      <span class="quota-name">${name}</span>
      <span class=${`quota-percent ${quota.status}`}>${quota.percent === null ? 'limit unknown' : `${quota.percent}% used`}</span>
    </div>
    <div class="bar" role="meter" aria-valuemin="0" aria-valuemax=${quota.limit} aria-valuenow=${quota.used} aria-label=${`${name} used`}>
      <div class=${`bar-fill ${quota.status}`} style=${{ width: `${Math.round(ratio * 100)}%` }}></div>
    </div>
    <div class="quota-note muted">${number(quota.used)} of ${number(quota.limit)} · ${quota.origin === 'connector' ? 'from ' : ''}${quota.source}</div>
  </div>`;
}

function TargetCard({ target, at }) {
  const circuitClass = target.circuit === 'closed' ? 'ok' : target.circuit === 'half-open' ? 'warning' : 'critical';
  const queue = target.queue;
  return html`<section class="card target" data-target=${target.target}>
    <header class="card-head">
      <h3>${target.displayName}</h3>
      <span class=${`pill ${circuitClass}`} data-circuit=${target.circuit}>${CIRCUIT_WORDS[target.circuit] ?? target.circuit}</span>
    </header>
    ${target.circuitSince !== null && html`<p class="muted circuit-since">since ${new Date(target.circuitSince).toLocaleTimeString()} (${age(at - target.circuitSince)})</p>`}
    ${target.quota && html`<${QuotaMeter} quota=${target.quota} />`}
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

/** The panels by business area, in the order the API sends them (orders, shipments, returns, inventory, customers, others). */
function BusinessChecks({ panels, navigate }) {
  if (panels.length === 0) return html`<h2>Business checks</h2><p class="muted" data-section="business">No business checks registered: flow modules add theirs to this page.</p>`;
  const areas = [];
  for (const panel of panels) {
    const last = areas[areas.length - 1];
    if (last && last.area === panel.area) last.panels.push(panel);
    else areas.push({ area: panel.area, panels: [panel] });
  }
  return html`<h2>Business checks</h2>
    <div data-section="business">
    ${areas.map(
      (group) => html`<section class="area" data-area=${group.area}>
        <h3 class="area-title">${AREA_TITLES[group.area] ?? group.area}</h3>
        <div class="grid">${group.panels.map((panel) => html`<${Panel} panel=${panel} navigate=${navigate} />`)}</div>
      </section>`,
    )}
  </div>`;
}

function When({ at, ageMs, never }) {
  if (at === null) return html`<span class="muted">${never}</span>`;
  return html`<span title=${new Date(at).toLocaleString()}>${age(ageMs)} ago</span> <span class="muted">(${new Date(at).toLocaleTimeString()})</span>`;
}

function Freshness({ flows, targets }) {
  return html`<section class="freshness" data-section="freshness">
    <table class="table">
      <thead><tr><th>Flow</th><th>Last handled an event</th><th>Last delivery delivered</th></tr></thead>
      <tbody>
        ${flows.length === 0 && html`<tr><td colspan="3" class="muted">No flows configured.</td></tr>`}
        ${flows.map(
          (flow) => html`<tr data-flow=${flow.flow}>
            <td>${flow.flow}</td>
            <td data-fresh="handled"><${When} at=${flow.lastHandledAt} ageMs=${flow.lastHandledAgeMs} never="nothing yet" /></td>
            <td data-fresh="delivered"><${When} at=${flow.lastDeliveredAt} ageMs=${flow.lastDeliveredAgeMs} never="nothing delivered yet" /></td>
          </tr>`,
        )}
      </tbody>
    </table>
    <table class="table">
      <thead><tr><th>System</th><th>Waiting</th><th>Oldest waiting item</th></tr></thead>
      <tbody>
        ${targets.map(
          (target) => html`<tr data-oldest=${target.target}>
            <td>${target.displayName}</td>
            <td>${number(target.queue.pending)}</td>
            <td>${target.queue.oldestPendingAgeMs === null ? html`<span class="muted">none waiting</span>` : age(target.queue.oldestPendingAgeMs)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
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
  // Business first: the flows' own checks by area, then what operators act on, then the technical facts.
  return html`<h1>Business health</h1>
    ${error && html`<p class="error">Could not refresh: ${error}</p>`}
    <${BusinessChecks} panels=${health.panels} navigate=${navigate} />
    <h2>Operations</h2>
    <section class="summary-cards">
      <a class=${`card stat ${health.exceptions.open > 0 ? 'critical' : 'ok'}`} href="#/exceptions" data-stat="open-exceptions">
        <div class="big">${number(health.exceptions.open)}</div><div>open exceptions</div>
      </a>
      <div class=${`card stat ${maxLag > 1000 ? 'warning' : 'ok'}`} data-stat="lag"><div class="big">${number(maxLag)}</div><div>events not yet processed</div></div>
      <div class="card stat" data-stat="flows-waiting"><div class="big">${number(health.flows.waiting)}${health.flows.atLeast ? '+' : ''}</div><div>flows waiting for a system</div></div>
      <div class=${`card stat ${health.flows.failed > 0 ? 'critical' : 'ok'}`} data-stat="flows-failed"><div class="big">${number(health.flows.failed)}</div><div>flows stopped on an error</div></div>
    </section>
    <h2>Data freshness</h2>
    <${Freshness} flows=${health.freshness.flows} targets=${health.targets} />
    <h2>Systems</h2>
    <section class="grid">${health.targets.map((target) => html`<${TargetCard} target=${target} at=${health.at} />`)}</section>
    <${BackfillsSection} />
    <h2>Event log</h2>
    <table class="table compact">
      <thead><tr><th>Consumer</th><th>Position</th><th>Behind by</th></tr></thead>
      <tbody>${health.eventLog.consumers.map((consumer) => html`<tr><td>${consumer.name}</td><td>${number(consumer.position)} of ${number(health.eventLog.head)}</td><td>${number(consumer.lag)} events</td></tr>`)}</tbody>
    </table>
    <p class="muted">Updated ${new Date(health.at).toLocaleTimeString()}; refreshes every 5 seconds.</p>`;
}
