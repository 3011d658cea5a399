import { useEffect, useState } from 'preact/hooks';
import { api, duration, html, time } from '../lib.js';

const KIND_LABEL = { event: 'Event', flow: 'Flow', step: 'Step', delivery: 'Delivery', 'dead-letter': 'Exception' };

export function TracePage({ params, navigate }) {
  const q = params.q ?? '';
  const [text, setText] = useState(q);
  const [trace, setTrace] = useState(null);
  const [error, setError] = useState('');
  const [open, setOpen] = useState(new Set());

  useEffect(() => {
    // Only a new search replaces the box's text: on arriving at an empty Trace page, what the
    // user has already typed stays (the effect runs after the first paint).
    if (q) setText(q);
    setTrace(null);
    if (!q) return;
    api(`trace?q=${encodeURIComponent(q)}`).then(
      (result) => {
        setTrace(result);
        setError('');
      },
      (failure) => setError(failure.message),
    );
  }, [q]);

  const toggle = (index) => {
    const next = new Set(open);
    if (next.has(index)) next.delete(index);
    else next.add(index);
    setOpen(next);
  };
  const start = trace && trace.hops.length > 0 ? trace.hops[0].at : 0;
  return html`<h1>Trace</h1>
    <form class="search" role="search" onSubmit=${(event) => { event.preventDefault(); if (text.trim()) navigate('trace', { q: text.trim() }); }}>
      <input name="q" type="search" aria-label="Business key or correlation id" placeholder="Order or return number, customer id or e-mail, sku (every location) or sku@location, correlation id"
        value=${text} onInput=${(event) => setText(event.currentTarget.value)} />
      <button type="submit">Trace</button>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${trace && trace.hops.length === 0 && html`<p class="muted">Nothing recorded for “${trace.query}”. It is neither a business key (order, return, customer, sku or sku@location), a customer's e-mail, nor a correlation id the hub has seen (delivered items are kept 7 days).</p>`}
    ${trace && trace.hops.length > 0 && html`<p class="muted" data-trace-summary>
        ${trace.hops.length} hops for ${trace.query} (matched as ${trace.matchedAs.join(' and ')}${trace.keys.length > 1 || (trace.keys.length === 1 && trace.keys[0] !== trace.query) ? `: ${trace.keys.join(', ')}` : ''})${trace.correlationIds.length ? `; correlation ids: ${trace.correlationIds.join(', ')}` : ''}${trace.truncated ? '; some records left out (limit reached)' : ''}
      </p>
      <ol class="timeline">
        ${trace.hops.map((hop, index) => html`<li class=${`hop ${hop.kind} ${hop.outcome}`} data-kind=${hop.kind} data-outcome=${hop.outcome}>
          <div class="hop-time"><div>${time(hop.at)}</div><div class="muted">+${duration(hop.at - start) || '0 ms'}</div></div>
          <div class="hop-dot" aria-hidden="true"></div>
          <div class="hop-body">
            <div class="hop-head"><span class="kind">${KIND_LABEL[hop.kind] ?? hop.kind}</span> <strong>${hop.system}</strong> · ${hop.title}</div>
            <div class="hop-detail">${hop.detail}${hop.latencyMs !== null ? html` <span class="muted">(took ${duration(hop.latencyMs)})</span>` : ''}</div>
            ${hop.traceId && html`<div class="hop-trace muted" data-trace-id=${hop.traceId}>trace ${trace.traceLink
              ? html`<a href=${trace.traceLink.replaceAll('{traceId}', hop.traceId)} target="_blank" rel="noopener noreferrer"><code>${hop.traceId}</code></a>`
              : html`<code title="W3C trace id: search for it in Jaeger or Tempo">${hop.traceId}</code>`}</div>`}
            ${hop.exceptionId !== null && html`<a href="#" onClick=${(event) => { event.preventDefault(); navigate('exceptions', { id: hop.exceptionId, status: 'all' }); }}>Open exception #${hop.exceptionId}</a>`}
            ${hop.data !== undefined && html`<button class="link" onClick=${() => toggle(index)}>${open.has(index) ? 'Hide data' : 'Show data'}</button>
              ${open.has(index) && html`<pre class="json">${JSON.stringify(hop.data, null, 2)}</pre>`}`}
          </div>
        </li>`)}
      </ol>`}`;
}
