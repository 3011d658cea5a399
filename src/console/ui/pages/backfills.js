import { useEffect, useState } from 'preact/hooks';
import { age, api, html, number, every } from '../lib.js';

const STATUS_CLASS = { running: 'warning', interrupted: 'warning', completed: 'ok', failed: 'critical' };
const STATUS_WORDS = { running: 'Running', interrupted: 'Stopped, resumable', completed: 'Completed', failed: 'Stopped on an error' };

function BackfillCard({ job }) {
  const fraction = job.progress.fraction;
  const percent = fraction === null ? null : Math.floor(fraction * 100);
  return html`<section class="card backfill" data-backfill=${job.id}>
    <header class="card-head">
      <h3>${job.entity}: ${job.from} → ${job.to}</h3>
      <span class=${`pill ${STATUS_CLASS[job.status] ?? ''}`}>${STATUS_WORDS[job.status] ?? job.status}</span>
    </header>
    <div class="bar-row">
      <div class="bar-label">${job.path === 'bulk' ? 'Bulk API' : 'Delivery queue'}</div>
      <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent ?? 0} aria-label=${`${job.entity} backfill progress`}>
        <div class="bar-fill ok" style=${{ width: `${percent ?? 0}%` }}></div>
      </div>
      <div class="bar-value">${percent === null ? '—' : `${percent}%`}</div>
    </div>
    <dl class="facts">
      <div><dt>Read</dt><dd>${number(job.read)}${job.estimatedTotal === null ? '' : ` of ${number(job.estimatedTotal)}`}</dd></div>
      <div><dt>Written</dt><dd>${number(job.written)}</dd></div>
      <div><dt>Failed</dt><dd class=${job.failed > 0 ? 'bad' : ''}>${number(job.failed)}</dd></div>
      <div><dt>Rate</dt><dd>${job.progress.ratePerSecond === null ? '—' : `${number(Math.round(job.progress.ratePerSecond))}/s`}</dd></div>
      <div><dt>Time left</dt><dd>${job.progress.etaMs === null ? '—' : age(job.progress.etaMs)}</dd></div>
    </dl>
    <p class="muted">Uses at most ${Math.round(job.quota.share * 100)}% of ${job.to}'s API budget (${number(job.quota.requests)} requests so far).</p>
    ${job.lastError && html`<p class="warning-text">${job.lastError}</p>`}
    ${job.recentFailures.length > 0 &&
    html`<ul class="panel-items">
      ${job.recentFailures.slice(-5).map((failure) => html`<li>${failure.key} <span class="muted">${failure.field && !failure.reason.includes(failure.field) ? `${failure.field}: ` : ''}${failure.reason}</span></li>`)}
    </ul>`}
  </section>`;
}

/** Initial loads run with `crossdock backfill`; shown on the health page while there are any. */
export function BackfillsSection() {
  const [jobs, setJobs] = useState([]);
  useEffect(
    () =>
      every(5000, () =>
        api('backfills')
          .then((result) => setJobs(result.backfills))
          .catch(() => setJobs([])),
      ),
    [],
  );
  if (jobs.length === 0) return null;
  return html`<h2>Initial loads</h2><section class="grid">${jobs.map((job) => html`<${BackfillCard} job=${job} />`)}</section>`;
}
