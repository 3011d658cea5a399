// "Edit payload & resume" on an exception's detail: the operator corrects the payload as JSON and
// resumes with it. The hub checks it (canonical schema) and answers field by field; each problem
// is shown next to the line of the payload it names, and clicking it selects that line.
import { useRef, useState } from 'preact/hooks';
import { api, html } from '../lib.js';

function pointer(path, key) {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/**
 * The payload pretty-printed like JSON.stringify(value, null, 2), one entry per line, each tagged
 * with the JSON Pointer of the value that starts on it (null for closing brackets).
 */
export function jsonLines(value) {
  const lines = [];
  const walk = (node, depth, label, path, comma) => {
    const indent = '  '.repeat(depth);
    const isArray = Array.isArray(node);
    const children = isArray ? node.map((child, index) => [index, child]) : node !== null && typeof node === 'object' ? Object.entries(node) : [];
    if (children.length === 0) {
      lines.push({ text: `${indent}${label}${JSON.stringify(node)}${comma}`, path });
      return;
    }
    lines.push({ text: `${indent}${label}${isArray ? '[' : '{'}`, path });
    children.forEach(([key, child], index) => walk(child, depth + 1, isArray ? '' : `${JSON.stringify(key)}: `, pointer(path, key), index < children.length - 1 ? ',' : ''));
    lines.push({ text: `${indent}${isArray ? ']' : '}'}${comma}`, path: null });
  };
  walk(value, 0, '', '', '');
  return lines;
}

/** The line an issue belongs on: its field's, or its nearest ancestor's (a missing field sits on its parent). */
function lineOf(lines, path) {
  for (let at = path; ; at = at.slice(0, at.lastIndexOf('/'))) {
    const index = lines.findIndex((line) => line.path === at);
    if (index >= 0) return index;
    if (at === '') return 0;
  }
}

export function FixPayload({ exception, editable, onFixed }) {
  const initial = () => jsonLines(editable.payload).map((line) => line.text).join('\n');
  const [text, setText] = useState(initial);
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const editor = useRef(null);

  /** Selects (and scrolls to) a line of the editor, so the operator lands on the field to fix. */
  const selectLine = (index) => {
    const area = editor.current;
    const all = area.value.split('\n');
    const start = all.slice(0, index).reduce((sum, line) => sum + line.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (all[index] ?? '').length);
    area.scrollTop = Math.max(0, (index / all.length) * area.scrollHeight - area.clientHeight / 2);
  };

  async function submit(event) {
    event.preventDefault();
    let payload;
    try {
      payload = JSON.parse(text);
    } catch (failure) {
      setProblems(null);
      setError(`The payload is not valid JSON: ${failure.message}`);
      return;
    }
    setBusy(true);
    setError('');
    try {
      const result = await api(`exceptions/${exception.id}/fix`, { method: 'POST', body: { payload, reason: reason.trim() } });
      // 409 comes back as a value: someone acted first, or there is nothing to edit any more.
      if (result.error || result.outcome !== 'done') setError(result.error ? result.error.message : result.message);
      else onFixed(result);
    } catch (failure) {
      if (failure.code !== 'INVALID_PAYLOAD') {
        setError(failure.message);
        return;
      }
      // Shown laid out as the hub reads it, so the line numbers match what the operator edits.
      const lines = jsonLines(payload);
      setText(lines.map((line) => line.text).join('\n'));
      const issues = failure.body.error.issues.map((issue) => ({ ...issue, line: lineOf(lines, issue.path) }));
      setProblems({ message: failure.body.error.message, issues: issues.map((issue) => ({ ...issue, text: lines[issue.line].text.trim() })) });
    } finally {
      setBusy(false);
    }
  }

  const where = exception.kind === 'delivery' ? `the item goes back to the ${exception.target} queue carrying it` : `flow ${exception.target} carries on with it`;
  return html`<details class="fix">
    <summary>Edit payload & resume</summary>
    <form onSubmit=${submit}>
      <p class="muted">Correct the payload and resume: ${where}. ${editable.entity ? `It is checked against the canonical ${editable.entity} schema first. ` : ''}The payload as it was is kept in the audit log.</p>
      <label for=${`fix-payload-${exception.id}`}>Payload (JSON)</label>
      <textarea id=${`fix-payload-${exception.id}`} ref=${editor} class="json-editor" rows="14" spellcheck="false"
        aria-invalid=${problems ? 'true' : 'false'} aria-describedby=${problems ? `fix-problems-${exception.id}` : undefined}
        value=${text} onInput=${(event) => setText(event.currentTarget.value)}></textarea>
      ${problems && html`<div id=${`fix-problems-${exception.id}`} class="fix-problems" role="alert">
        <p class="error">${problems.message}</p>
        <ol class="issues">${problems.issues.map((issue) => html`<li data-issue-field=${issue.field}>
          <button type="button" class="link" onClick=${() => selectLine(issue.line)}>line ${issue.line + 1}</button>
          <code>${issue.text}</code>
          <span class="issue">← ${issue.field} ${issue.reason}</span>
        </li>`)}</ol>
      </div>`}
      <label>Reason for the change (kept in the audit log)
        <textarea name="fix-reason" required rows="2" value=${reason} onInput=${(event) => setReason(event.currentTarget.value)}></textarea>
      </label>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="buttons">
        <button type="submit" disabled=${busy || !reason.trim()}>Resume with this payload</button>
        <button type="button" class="secondary" onClick=${() => { setText(initial()); setProblems(null); setError(''); }}>Undo my edits</button>
      </div>
    </form>
  </details>`;
}
