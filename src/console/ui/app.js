/* global document, window, URLSearchParams */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, html, setSession, whenLoggedOut } from './lib.js';
import { HealthPage } from './pages/health.js';
import { ExceptionsPage } from './pages/exceptions.js';
import { TracePage } from './pages/trace.js';
import { ChartsPage } from './pages/charts.js';

const PAGES = [
  { path: 'health', title: 'Health', component: HealthPage },
  { path: 'exceptions', title: 'Exceptions', component: ExceptionsPage },
  { path: 'trace', title: 'Trace', component: TracePage },
  { path: 'charts', title: 'Charts', component: ChartsPage },
];

/** `#/trace?q=SO-1001` → { page: 'trace', params: { q: 'SO-1001' } } */
function readRoute() {
  const [path, search = ''] = window.location.hash.replace(/^#\/?/, '').split('?');
  const page = PAGES.find((candidate) => candidate.path === path) ?? PAGES[0];
  return { page, params: Object.fromEntries(new URLSearchParams(search)) };
}

export function navigate(path, params = {}) {
  const search = new URLSearchParams(params).toString();
  window.location.hash = `#/${path}${search ? `?${search}` : ''}`;
}

function Login({ onLoggedIn }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    const form = new window.FormData(event.currentTarget);
    setBusy(true);
    setError('');
    try {
      onLoggedIn(await api('login', { method: 'POST', body: { user: String(form.get('user')), password: String(form.get('password')) } }));
    } catch (failure) {
      setError(failure.message);
    } finally {
      setBusy(false);
    }
  }
  return html`<main class="login">
    <form class="card login-card" onSubmit=${submit}>
      <h1>Crossdock console</h1>
      <label>User <input name="user" autocomplete="username" required autofocus /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" disabled=${busy}>Log in</button>
    </form>
  </main>`;
}

function Shell({ me, onLogout }) {
  const [route, setRoute] = useState(readRoute());
  useEffect(() => {
    const listener = () => setRoute(readRoute());
    window.addEventListener('hashchange', listener);
    // The address may have changed between the first render and now (effects run after paint).
    listener();
    return () => window.removeEventListener('hashchange', listener);
  }, []);
  const Page = route.page.component;
  return html`<div class="shell">
    <nav class="nav" aria-label="Console">
      <div class="brand">Crossdock</div>
      ${PAGES.map((page) => html`<a href="#/${page.path}" class=${page === route.page ? 'active' : ''} aria-current=${page === route.page ? 'page' : undefined}>${page.title}</a>`)}
      <div class="who">
        <div><strong>${me.user}</strong> · ${me.role}</div>
        ${me.personalDataMasked && html`<div class="muted">personal data masked</div>`}
        <button class="link" onClick=${onLogout}>Log out</button>
      </div>
    </nav>
    <main class="page"><${Page} me=${me} params=${route.params} navigate=${navigate} key=${route.page.path} /></main>
  </div>`;
}

function App() {
  const [me, setMe] = useState(undefined);
  useEffect(() => {
    whenLoggedOut(() => {
      setSession(null);
      setMe(null);
    });
    api('me')
      .then((session) => {
        setSession(session);
        setMe(session);
      })
      .catch(() => setMe(null));
  }, []);
  if (me === undefined) return html`<p class="boot">Loading…</p>`;
  if (me === null) {
    return html`<${Login} onLoggedIn=${(session) => {
      setSession(session);
      setMe(session);
    }} />`;
  }
  const logout = async () => {
    await api('logout', { method: 'POST' }).catch(() => undefined);
    setSession(null);
    setMe(null);
  };
  return html`<${Shell} me=${me} onLogout=${logout} />`;
}

render(html`<${App} />`, document.getElementById('app'));
