import { useEffect, useState } from 'preact/hooks';
import { api, every, html, number } from '../lib.js';

const WIDTH = 520;
const HEIGHT = 160;
const PAD = { left: 44, right: 8, top: 8, bottom: 22 };

/** A small inline SVG line chart: one or more series over the same time axis. */
function LineChart({ title, samples, series, unit }) {
  const points = samples.map((sample) => sample.at);
  const values = series.flatMap((line) => samples.map(line.value)).filter((value) => value !== null && Number.isFinite(value));
  const max = Math.max(1, ...values);
  const minT = points[0] ?? 0;
  const maxT = points[points.length - 1] ?? 1;
  const x = (t) => PAD.left + ((t - minT) / Math.max(1, maxT - minT)) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - (v / max) * (HEIGHT - PAD.top - PAD.bottom);
  const path = (line) => {
    let d = '';
    let pen = 'M';
    for (const sample of samples) {
      const value = line.value(sample);
      if (value === null || !Number.isFinite(value)) {
        pen = 'M';
        continue;
      }
      d += `${pen}${x(sample.at).toFixed(1)},${y(value).toFixed(1)} `;
      pen = 'L';
    }
    return d;
  };
  const latest = samples[samples.length - 1];
  return html`<figure class="card chart" data-chart=${title}>
    <figcaption><strong>${title}</strong>
      ${series.map((line) => html`<span class=${`legend ${line.className}`}>${line.label}${latest ? `: ${number(line.value(latest) === null ? null : Math.round(line.value(latest) * 10) / 10)}` : ''}</span>`)}
    </figcaption>
    <svg viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label=${title} preserveAspectRatio="none">
      <line class="axis" x1=${PAD.left} y1=${HEIGHT - PAD.bottom} x2=${WIDTH - PAD.right} y2=${HEIGHT - PAD.bottom} />
      <line class="axis" x1=${PAD.left} y1=${PAD.top} x2=${PAD.left} y2=${HEIGHT - PAD.bottom} />
      <text class="tick" x=${PAD.left - 4} y=${PAD.top + 8} text-anchor="end">${number(Math.round(max))}</text>
      <text class="tick" x=${PAD.left - 4} y=${HEIGHT - PAD.bottom} text-anchor="end">0</text>
      ${samples.length > 0 && html`<text class="tick" x=${PAD.left} y=${HEIGHT - 6}>${new Date(minT).toLocaleTimeString()}</text>
        <text class="tick" x=${WIDTH - PAD.right} y=${HEIGHT - 6} text-anchor="end">${new Date(maxT).toLocaleTimeString()}</text>`}
      ${series.map((line) => html`<path class=${`line ${line.className}`} d=${path(line)} />`)}
    </svg>
    <div class="muted unit">${unit}</div>
  </figure>`;
}

export function ChartsPage() {
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => every(5000, () => api('metrics/series').then(setData, (failure) => setError(failure.message))), []);
  if (!data) return html`<h1>Charts</h1>${error ? html`<p class="error">${error}</p>` : html`<p>Loading…</p>`}`;
  const samples = data.samples;
  return html`<h1>Charts</h1>
    <p class="muted">One point every ${Math.round(data.intervalMs / 1000)} s, ${samples.length} so far. ${data.note}.</p>
    ${samples.length < 2 && html`<p class="notice">Charts fill in as the hub runs: the first points appear after ${Math.round((2 * data.intervalMs) / 1000)} seconds.</p>`}
    <section class="grid charts">
      <${LineChart} title="Throughput" unit="items delivered per second" samples=${samples} series=${[{ label: 'delivered/s', className: 's1', value: (s) => s.throughputPerSecond }]} />
      <${LineChart} title="Delivery latency" unit="milliseconds from queued to delivered" samples=${samples} series=${[
        { label: 'p50', className: 's1', value: (s) => s.latencyMs.p50 },
        { label: 'p95', className: 's2', value: (s) => s.latencyMs.p95 },
        { label: 'p99', className: 's3', value: (s) => s.latencyMs.p99 },
      ]} />
      <${LineChart} title="Queue depth and event lag" unit="items waiting or in flight; events not yet processed" samples=${samples} series=${[
        { label: 'queued', className: 's1', value: (s) => s.queueDepth },
        { label: 'event lag', className: 's2', value: (s) => s.eventLogLag },
      ]} />
      <${LineChart} title="Errors" unit="per sample interval" samples=${samples} series=${[
        { label: 'retries + failures', className: 's3', value: (s) => s.errors },
        { label: 'new exceptions', className: 's2', value: (s) => s.deadLettered },
        { label: 'throttled', className: 's1', value: (s) => s.throttled },
      ]} />
    </section>`;
}
