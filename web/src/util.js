// DOM helpers. Every stored string reaches the page as text (textContent,
// attribute values), never as markup; the only HTML strings built are chart
// tooltips, and those go through escapeHtml.

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;',
  }[c]));
}

// el('td', {class: 'num'}, 'text', childNode, ...)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      node.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      node.className = v;
    } else if (k === 'value') {
      node.value = v;
    } else if (k === 'checked') {
      node.checked = !!v;
    } else {
      node.setAttribute(k, String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// The children that are there (replaceChildren would print null as text).
export function present(...nodes) {
  return nodes.filter((n) => n !== null && n !== undefined && n !== false);
}

export function fmtNum(v, digits = 1) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 1e7)) return v.toExponential(2);
  return v.toLocaleString('en-US', { maximumFractionDigits: digits });
}

// columns: [{title, get: row => value, num: bool, cls: row => class}]
export function table(columns, rows, attrs = {}) {
  const head = el('tr', {}, columns.map((c) => el('th', {}, c.title)));
  const body = rows.map((r) => el('tr', {}, columns.map((c) => {
    const v = c.get(r);
    const cls = [c.num ? 'num' : '', c.cls ? c.cls(r) : ''].filter(Boolean).join(' ');
    return el('td', { class: cls || null }, v instanceof Node ? v : (c.num ? fmtNum(v, c.digits ?? 1) : (v ?? '')));
  })));
  return el('table', attrs, el('thead', {}, head), el('tbody', {}, body));
}

export function select(name, options, current, onchange, label) {
  const s = el('select', { name, 'data-filter': name, onchange: (e) => onchange(e.target.value) },
    options.map(([value, text]) => el('option', { value }, text)));
  s.value = current ?? '';
  if (s.value !== (current ?? '') && options.length) s.value = options[0][0];
  return el('label', {}, label ?? name, s);
}

export function checkbox(name, checked, onchange, label) {
  return el('label', { class: 'check' },
    el('input', { type: 'checkbox', name, checked, onchange: (e) => onchange(e.target.checked) }),
    label);
}

export function unique(values) {
  return [...new Set(values.filter((v) => v !== '' && v !== null && v !== undefined))]
    .sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
}
