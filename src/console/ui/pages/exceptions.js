/* global FormData, setTimeout, clearTimeout */
import { useEffect, useState } from 'preact/hooks';
import { age, api, html, number, query, time } from '../lib.js';
import { FixPayload } from './fix-payload.js';

const ACTIONS = [
  { action: 'retry', label: 'Retry', hint: 'Send it again (after fixing the cause in the target system).' },
  { action: 'resolve', label: 'Resolve', hint: 'It was fixed by other means (e.g. entered by hand).' },
  { action: 'discard', label: 'Discard', hint: 'Give up on it on purpose.' },
];
const ACTION_PAST = { retry: 'retried', resolve: 'resolved', discard: 'discarded' };
const ACTION_ING = { retry: 'Retrying', resolve: 'Resolving', discard: 'Discarding' };
const PAGE_SIZE = 50;
/** Context fields already said by the sentence; the rest (customer, amount, store) are shown. */
const SAID = new Set(['entity', 'businessKey', 'operation']);

function contextChips(context) {
  if (!context || typeof context !== 'object') return [];
  return Object.entries(context)
    .filter(([key, value]) => !SAID.has(key) && value !== null && value !== undefined && typeof value !== 'object')
    .slice(0, 4)
    .map(([key, value]) => `${key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}: ${value}`);
}

/** Asks for the reason every operator action needs (kept in the audit log). */
function ReasonDialog({ request, onCancel, onConfirm }) {
  const [reason, setReason] = useState('');
  const spec = ACTIONS.find((candidate) => candidate.action === request.action);
  return html`<div class="modal-backdrop">
    <form class="card modal" role="dialog" aria-modal="true" aria-labelledby="reason-title"
      onSubmit=${(event) => { event.preventDefault(); if (reason.trim()) onConfirm(reason.trim()); }}>
      <h2 id="reason-title">${spec.label} ${request.ids.length === 1 ? `exception #${request.ids[0]}` : `${request.ids.length} exceptions`}</h2>
      <p class="muted">${spec.hint}</p>
      <label>Why? (kept in the audit log)
        <textarea name="reason" required rows="3" value=${reason} onInput=${(event) => setReason(event.currentTarget.value)} autofocus></textarea>
      </label>
      <div class="buttons">
        <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
        <button type="submit" disabled=${!reason.trim()}>${spec.label}</button>
      </div>
    </form>
  </div>`;
}

/** Actions offered on everything matching a filter (a group). */
const ALL_ACTIONS = ACTIONS.filter((spec) => spec.action !== 'resolve');

/** "target erp, error code USER_ERROR": the filter a bulk action covers, in words. */
function filterWords(filter) {
  const words = [filter.target && `target ${filter.target}`, filter.errorCode && `error code ${filter.errorCode}`, filter.key && `business key ${filter.key}`, filter.kind && `${filter.kind} exceptions`].filter(Boolean);
  return words.join(', ');
}

/**
 * "Retry all N": counts what matches now (N and the newest id it covers), asks for the reason,
 * and acts on exactly those on the server. When the count changed meanwhile (beyond exceptions
 * that arrived since), the hub refuses and this shows the new N to confirm again.
 */
function BulkMatchingDialog({ request, onCancel, onDone }) {
  const spec = ACTIONS.find((candidate) => candidate.action === request.action);
  const [matching, setMatching] = useState(null);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api(`exceptions/matching?${query(request.filter)}`).then(setMatching, (failure) => setError(failure.message));
  }, []);
  async function submit(event) {
    event.preventDefault();
    if (!reason.trim() || !matching || matching.count === 0) return;
    setBusy(true);
    setError('');
    try {
      const result = await api('exceptions/bulk/matching', { method: 'POST', body: { action: request.action, reason: reason.trim(), filter: request.filter, expectedCount: matching.count, upToId: matching.upToId } });
      if (result.error) {
        // 409: the count is no longer what was shown. Show the new one; the operator confirms again.
        setNote(result.error.message);
        setMatching(result.matching);
        return;
      }
      onDone(result);
    } catch (failure) {
      setError(failure.message);
    } finally {
      setBusy(false);
    }
  }
  const count = matching ? matching.count : null;
  return html`<div class="modal-backdrop">
    <form class="card modal" role="dialog" aria-modal="true" aria-labelledby="bulk-title" onSubmit=${submit}>
      <h2 id="bulk-title">${spec.label} all ${count === null ? '…' : number(count)} open exceptions</h2>
      <p>${filterWords(request.filter) ? `Matching ${filterWords(request.filter)}.` : 'Every open exception (no filter).'} ${spec.hint}</p>
      <p class="muted">Exactly these ${count === null ? '' : number(count)} are acted on, each recorded in the audit log with your reason; exceptions arriving from now on are left open.</p>
      ${note && html`<p class="warning-text" role="alert" data-count-changed>${note}</p>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <label>Why? (kept in the audit log)
        <textarea name="reason" required rows="3" value=${reason} onInput=${(event) => setReason(event.currentTarget.value)} autofocus></textarea>
      </label>
      <div class="buttons">
        <button type="button" class="secondary" onClick=${onCancel} disabled=${busy}>Cancel</button>
        <button type="submit" disabled=${busy || !reason.trim() || !count}>${busy ? `${ACTION_ING[request.action]} ${number(count)}…` : `${spec.label} ${count === null ? '' : number(count)} exceptions`}</button>
      </div>
    </form>
  </div>`;
}

function HistoryEntry({ entry }) {
  const edited = entry.detail && entry.detail.payloadEdited;
  return html`<li><strong>${entry.action.replace('dead-letter.', '')}</strong>${edited ? ' (payload edited)' : ''} by ${entry.actor}, ${time(entry.at)}: “${entry.reason}”
    ${edited && html`<details class="previous"><summary>Payload before the edit</summary><pre class="json">${JSON.stringify(entry.detail.previousPayload, null, 2)}</pre></details>`}</li>`;
}

function Detail({ id, canAct, onAct, onFixed, onClose, navigate }) {
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setDetail(null);
    let stopped = false;
    let timer;
    // After a retry, keep asking until the order is delivered (or dead again): the operator sees it resolve.
    const load = () =>
      api(`exceptions/${id}`).then(
        (result) => {
          if (stopped) return;
          setDetail(result);
          const item = result.subject.kind === 'delivery' ? result.subject.item : null;
          if (result.exception.status === 'retried' && item && item.status !== 'delivered' && item.status !== 'dead') timer = setTimeout(load, 1000);
        },
        (failure) => setError(failure.message),
      );
    load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, onAct.version]);
  if (error) return html`<aside class="card detail"><p class="error">${error}</p></aside>`;
  if (!detail) return html`<aside class="card detail"><p>Loading #${id}…</p></aside>`;
  const { exception, subject } = detail;
  // A flow waiting for an operator offers its payload in the exception; otherwise show what it started from.
  const payload = detail.editable ? detail.editable.payload : subject.kind === 'delivery' ? subject.item.payload : subject.kind === 'flow' ? subject.instance.input : null;
  return html`<aside class="card detail" data-exception=${exception.id}>
    <header class="card-head">
      <h2>#${exception.id} ${exception.businessKey}</h2>
      <button class="link" onClick=${onClose} aria-label="Close">Close</button>
    </header>
    <p class="sentence">${exception.summary}</p>
    <p><span class=${`pill ${exception.status === 'open' ? 'critical' : 'ok'}`} data-status=${exception.status}>${exception.status}</span> <span class="now" data-now>Now: ${detail.now}</span></p>
    <dl class="facts wide">
      <div><dt>System says</dt><dd>${exception.errorMessage}</dd></div>
      <div><dt>Error code</dt><dd>${exception.errorCode}${exception.errorField ? ` (field ${exception.errorField})` : ''}</dd></div>
      <div><dt>Target</dt><dd>${exception.target}</dd></div>
      <div><dt>Since</dt><dd>${time(exception.createdAt)} (${age(exception.ageMs)} ago)</dd></div>
      ${exception.correlationId && html`<div><dt>Correlation</dt><dd><a href="#" onClick=${(event) => { event.preventDefault(); navigate('trace', { q: exception.correlationId }); }}>${exception.correlationId}</a></dd></div>`}
    </dl>
    ${canAct && exception.status === 'open' && html`<div class="buttons">${ACTIONS.map((spec) => html`<button class=${spec.action === 'retry' ? '' : 'secondary'} onClick=${() => onAct([exception.id], spec.action)}>${spec.label}</button>`)}</div>`}
    ${canAct && detail.editable && html`<${FixPayload} exception=${exception} editable=${detail.editable} onFixed=${onFixed} key=${exception.id} />`}
    <p><a href="#" onClick=${(event) => { event.preventDefault(); navigate('trace', { q: exception.businessKey }); }}>Trace ${exception.businessKey} across systems →</a></p>
    <h3>Business context</h3>
    <pre class="json">${JSON.stringify(exception.context, null, 2)}</pre>
    <h3>Payload</h3>
    <pre class="json">${JSON.stringify(payload, null, 2)}</pre>
    <h3>History</h3>
    ${detail.history.length === 0
      ? html`<p class="muted">No operator action yet.</p>`
      : html`<ol class="history">${detail.history.map((entry) => html`<${HistoryEntry} entry=${entry} />`)}</ol>`}
  </aside>`;
}

export function ExceptionsPage({ me, params, navigate }) {
  const canAct = me.role !== 'viewer';
  const [filters, setFilters] = useState({ status: params.status ?? 'open', target: params.target ?? '', key: params.key ?? '', errorCode: params.errorCode ?? '' });
  const [cursors, setCursors] = useState([undefined]);
  const [page, setPage] = useState(null);
  const [groups, setGroups] = useState(null);
  const [selected, setSelected] = useState(new Set());
  const [openId, setOpenId] = useState(params.id ? Number(params.id) : null);
  const [request, setRequest] = useState(null);
  const [bulkRequest, setBulkRequest] = useState(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  const afterId = cursors[cursors.length - 1];
  // A link or the address bar can open an exception while this page is already showing.
  useEffect(() => {
    if (params.id) setOpenId(Number(params.id));
  }, [params.id]);

  useEffect(() => {
    api(`exceptions?${query({ ...filters, afterId, limit: PAGE_SIZE })}`).then(
      (result) => {
        setPage(result);
        setError('');
      },
      (failure) => setError(failure.message),
    );
  }, [filters, afterId, version]);
  useEffect(() => {
    api(`exceptions/groups?${query({ status: filters.status })}`).then(setGroups, () => undefined);
  }, [filters.status, version]);
  // "Retry all N" acts on the open exceptions the filter matches: N is the list's total.
  const matchingFilter = Object.fromEntries(Object.entries({ target: filters.target, key: filters.key, errorCode: filters.errorCode }).filter(([, value]) => value));
  const matchingCount = canAct && filters.status === 'open' && page && page.total ? page.total : 0;

  const applyFilters = (next) => {
    setFilters({ ...filters, ...next });
    setCursors([undefined]);
    setSelected(new Set());
  };
  const toggle = (id) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const act = async (reason) => {
    const { ids, action } = request;
    setRequest(null);
    try {
      const result = ids.length === 1 ? await api(`exceptions/${ids[0]}/${action}`, { method: 'POST', body: { reason } }) : await api('exceptions/bulk', { method: 'POST', body: { ids, action, reason } });
      setMessage(result.results ? `${result.done} done, ${result.skipped} skipped (already handled by someone else or gone).` : result.message);
      setSelected(new Set());
      setVersion(version + 1);
    } catch (failure) {
      setError(failure.message);
    }
  };
  const bulkDone = (result) => {
    setBulkRequest(null);
    const verb = ACTION_PAST[result.action];
    const skipped = result.notOpen + result.notFound;
    setMessage(
      `${number(result.done)} ${verb}${skipped ? `, ${number(skipped)} skipped (already handled by someone else or gone)` : ''}${result.undelivered ? `, ${number(result.undelivered)} recorded but their flow could not be told (see the hub log)` : ''}.` +
        `${result.arrivedSince ? ` ${number(result.arrivedSince)} new exceptions arrived meanwhile and were left open.` : ''}`,
    );
    setError('');
    setSelected(new Set());
    setVersion(version + 1);
  };
  const onAct = Object.assign((ids, action) => setRequest({ ids, action }), { version });
  const onFixed = (result) => {
    setMessage(result.message);
    setError('');
    setVersion(version + 1);
  };
  const items = page ? page.items : [];
  const allSelected = items.length > 0 && items.every((item) => selected.has(item.id));

  return html`<h1>Exceptions</h1>
    ${groups && groups.groups.length > 0 && html`<section class="groups" aria-label="Exceptions by reason">
      ${groups.groups.slice(0, 12).map((group) => html`<div class="group-card" data-group=${`${group.target}/${group.errorCode}`}>
        <button class=${`group ${filters.target === group.target && filters.errorCode === group.errorCode ? 'active' : ''}`}
          onClick=${() => applyFilters({ target: group.target, errorCode: group.errorCode })} title=${group.example}>
          <span class="group-count">${number(group.count)}</span>
          <span class="group-code">${group.errorCode}</span>
          <span class="muted">${group.target} · oldest ${age(Date.now() - group.oldestAt)}</span>
        </button>
        ${canAct && filters.status === 'open' && html`<div class="group-actions">${ALL_ACTIONS.map((spec) => html`<button class="secondary small"
          onClick=${() => setBulkRequest({ action: spec.action, filter: { target: group.target, errorCode: group.errorCode } })}>${spec.label} all ${number(group.count)}</button>`)}</div>`}
      </div>`)}
    </section>`}
    <form class="filters" onSubmit=${(event) => { event.preventDefault(); const form = new FormData(event.currentTarget); applyFilters({ status: form.get('status'), target: form.get('target').trim(), key: form.get('key').trim(), errorCode: form.get('errorCode').trim() }); }}>
      <label>Status <select name="status" value=${filters.status}>${['open', 'retried', 'resolved', 'discarded', 'all'].map((status) => html`<option value=${status}>${status}</option>`)}</select></label>
      <label>Target <input name="target" value=${filters.target} placeholder="e.g. erp" /></label>
      <label>Business key <input name="key" value=${filters.key} placeholder="e.g. SO-1001" /></label>
      <label>Error code <input name="errorCode" value=${filters.errorCode} placeholder="e.g. USER_ERROR" /></label>
      <button type="submit">Filter</button>
      <button type="button" class="secondary" onClick=${() => applyFilters({ status: 'open', target: '', key: '', errorCode: '' })}>Clear</button>
    </form>
    ${message && html`<p class="notice" role="status">${message}</p>`}
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class=${`split ${openId ? 'with-detail' : ''}`}>
      <section class="list">
        ${matchingCount > 0 && html`<div class="bulk all" role="toolbar" aria-label="Act on all matching">
          <span>${number(matchingCount)} open exceptions${filterWords(matchingFilter) ? ` match ${filterWords(matchingFilter)}` : ' in all'}</span>
          ${ALL_ACTIONS.map((spec) => html`<button class="secondary" onClick=${() => setBulkRequest({ action: spec.action, filter: matchingFilter })}>${spec.label} all ${number(matchingCount)}</button>`)}
        </div>`}
        ${canAct && selected.size > 0 && html`<div class="bulk" role="toolbar" aria-label="Bulk actions">
          <span>${selected.size} selected</span>
          ${ACTIONS.map((spec) => html`<button class=${spec.action === 'retry' ? '' : 'secondary'} onClick=${() => setRequest({ ids: [...selected], action: spec.action })}>${spec.label} selected</button>`)}
        </div>`}
        <table class="table exceptions">
          <thead><tr>
            ${canAct && html`<th class="check"><input type="checkbox" aria-label="Select all on this page" checked=${allSelected} onChange=${() => setSelected(allSelected ? new Set() : new Set(items.map((item) => item.id)))} /></th>`}
            <th class="col-key">Business key</th><th>What went wrong</th><th class="col-target">Target</th><th class="col-error">Error</th><th class="col-age">Age</th>
          </tr></thead>
          <tbody>
            ${items.map((item) => html`<tr class=${openId === item.id ? 'selected' : ''} data-id=${item.id}>
              ${canAct && html`<td class="check"><input type="checkbox" aria-label=${`Select #${item.id}`} checked=${selected.has(item.id)} onChange=${() => toggle(item.id)} /></td>`}
              <td><a href="#" onClick=${(event) => { event.preventDefault(); setOpenId(item.id); }}>${item.businessKey}</a></td>
              <td class="sentence-cell">${item.summary}${contextChips(item.context).length > 0 && html`<div class="chips">${contextChips(item.context).map((chip) => html`<span class="chip">${chip}</span>`)}</div>`}</td>
              <td class="col-target">${item.target}</td>
              <td><code>${item.errorCode}</code></td>
              <td>${age(item.ageMs)}</td>
            </tr>`)}
            ${page && items.length === 0 && html`<tr><td colspan="6" class="muted">No exceptions match. ${filters.status === 'open' ? 'Nothing is waiting for an operator.' : ''}</td></tr>`}
          </tbody>
        </table>
        <div class="pager">
          <button class="secondary" disabled=${cursors.length <= 1} onClick=${() => setCursors(cursors.slice(0, -1))}>← Previous</button>
          <span class="muted">${page ? `${page.total === null ? '' : `${number(page.total)} in all · `}page ${cursors.length}` : ''}</span>
          <button class="secondary" disabled=${!page || page.nextAfterId === null} onClick=${() => setCursors([...cursors, page.nextAfterId])}>Next →</button>
        </div>
      </section>
      ${openId && html`<${Detail} id=${openId} canAct=${canAct} onAct=${onAct} onFixed=${onFixed} onClose=${() => setOpenId(null)} navigate=${navigate} />`}
    </div>
    ${request && html`<${ReasonDialog} request=${request} onCancel=${() => setRequest(null)} onConfirm=${act} />`}
    ${bulkRequest && html`<${BulkMatchingDialog} request=${bulkRequest} onCancel=${() => setBulkRequest(null)} onDone=${bulkDone} />`}`;
}
