/*
 * server/ui/files/app.js - the dashboard's behaviour (docs/dashboard.md).
 * Polls the admin API under /mock/ once a second (no gateway work: only
 * admin reads; the requests are the ones bench/dashboard makes, keep the
 * two alike) and renders merchants, the clock, orders with their refunds,
 * the ledger verdict, rules, linter findings and an order's timeline.
 * Controls: move the clock, add and remove rules, reset the merchant, and
 * a pre-order's customer (pay, decline, abandon: POST /mock/preorders/pay)
 * next to its QR code and its notifications (GET /mock/notifications).
 * No framework, no CDN. The selected merchant and order live in the URL's
 * hash (#mch=M1&order=O1), so a page can be linked to.
 */
'use strict';

const POLL_MS = 1000;
const MERCHANTS_LISTED = 100;   /* the first page of GET /mock/merchants, in mch_id order */
const $ = (sel) => document.querySelector(sel);
let faults = [];       /* GET /mock/faults, for the rule form */
let personaOf = {};    /* out_trade_no -> persona, from the orders */
let orderOf = {};      /* out_trade_no -> the order, from the orders */
let busy = false;

function hashState() {
  const p = new URLSearchParams(location.hash.slice(1));
  return { mch: p.get('mch') || '', order: p.get('order') || '' };
}

function setHash(mch, order) {
  const p = new URLSearchParams();
  if (mch) p.set('mch', mch);
  if (order) p.set('order', order);
  location.hash = p.toString();
}

/* One admin call; resolves to the parsed JSON, rejects with its "error". */
async function api(method, path, body) {
  const init = { method, cache: 'no-store' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch('/mock/' + path, init);
  const text = await res.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch (e) { json = { error: text }; }
  if (!res.ok) throw new Error(json.error || ('HTTP ' + res.status));
  return json;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children)
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

/* Seconds since the epoch as "YYYY-MM-DD HH:MM:SS" in GMT+8 (the gateway's time). */
function gmt8(seconds) {
  return new Date((seconds + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/* "yyyyMMddHHmmss" (GMT+8 already) as "YYYY-MM-DD HH:MM:SS". */
function gwTime(t) {
  if (!t || t.length !== 14) return t || '';
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12)}`;
}

/* The string to sign of a form body (docs/protocol.md R-SIGN-01..03), key masked. */
function signString(form) {
  const pairs = [];
  for (const [k, v] of new URLSearchParams(form)) if (k !== 'sign' && v !== '') pairs.push([k, v]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).concat(['key=***']).join('&');
}

/* What the gateway made of the request's signature, from its answer. */
function signatureVerdict(entry, answer) {
  if (entry.call === 'notify')
    return entry.fault === 'notify_bad_sign'
      ? ['sent by the mock with a WRONG sign on purpose (bad_sign): the merchant must refuse it', 'badsign']
      : ['signed by the mock: the merchant must verify it', ''];
  if (entry.call === 'scan') return ["the customer's side (admin API): nothing to sign", ''];
  if (entry.http_status !== 200 || !answer) return ['not checked (no protocol answer)', ''];
  if (answer.code === '20002') return ['FAILED: 20002 signature error', 'badsign'];
  if (!answer.sign && (answer.code === '20004' || answer.code === '20012'))
    return ['not checked: refused unsigned before the signature (' + answer.code + ')', ''];
  return ['verified', ''];
}

function stateSpan(s) { return el('span', { class: 'state ' + s }, s); }

function renderMerchants(list, current, more) {
  const ul = $('#merchants');
  ul.replaceChildren();
  if (!list.length) ul.append(el('li', { class: 'muted' }, 'no merchant yet: take a payment'));
  for (const m of list)
    ul.append(el('li', { class: m === current ? 'current' : '' },
      el('button', { onclick: () => setHash(m, ''), 'data-mch': m }, m)));
  if (more)
    ul.append(el('li', { class: 'muted' }, `the first ${MERCHANTS_LISTED}: open any other by its mch_id`));
}

function renderOrders(orders, currentOrder, mch) {
  const tb = $('#orders tbody');
  tb.replaceChildren();
  personaOf = {};
  orderOf = {};
  for (const o of orders) {
    personaOf[o.out_trade_no] = o.persona;
    orderOf[o.out_trade_no] = o;
    const refunds = el('ul', { class: 'refunds' });
    for (const r of o.refunds || [])
      refunds.append(el('li', { 'data-refund': r.out_refund_no },
        `${r.out_refund_no} ${r.refund_fee} fen `, stateSpan(r.refund_status),
        r.due ? el('span', { class: 'muted' }, ` due ${gwTime(r.due)}`) : null));
    tb.append(el('tr', {
      'data-order': o.out_trade_no, class: o.out_trade_no === currentOrder ? 'current' : '',
      onclick: () => setHash(mch, o.out_trade_no),
    }, el('td', {}, o.out_trade_no), el('td', {}, stateSpan(o.state)), el('td', {}, o.paytype),
    el('td', {}, o.persona || 'default'), el('td', { class: 'num' }, o.total_fee),
    el('td', { class: 'num' }, o.refunded_fee), el('td', { class: 'num refundable' }, o.refundable_fee),
    el('td', {}, refunds), el('td', {}, gwTime(o.created))));
  }
  if (!orders.length) tb.append(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'no orders')));
}

function renderRules(rules) {
  const tb = $('#rules tbody');
  tb.replaceChildren();
  for (const r of rules)
    tb.append(el('tr', { 'data-rule': r.id }, el('td', {}, r.id), el('td', {}, r.fault),
      el('td', {}, [].concat(r.method || 'any').join(', ')), el('td', {}, r.out_trade_no || 'any'),
      el('td', {}, r.times), el('td', {}, r.fired),
      el('td', {}, el('button', { onclick: () => act(() => api('DELETE', 'rules/' + r.id)) }, 'Remove'))));
  if (!rules.length) tb.append(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'no rules')));
}

function renderLint(lint) {
  const ul = $('#lint');
  ul.replaceChildren();
  for (const f of lint.findings || [])
    ul.append(el('li', { 'data-kind': f.kind }, el('b', {}, f.kind), ' ',
      f.out_trade_no ? `${f.out_trade_no}${f.out_refund_no ? ' / ' + f.out_refund_no : ''}: ` : '',
      f.message));
  if (!ul.children.length) ul.append(el('li', { class: 'muted' }, 'none'));
}

function renderLedger(ledger) {
  const box = $('#ledger');
  box.className = 'verdict ' + (ledger.consistent ? 'ok' : 'bad');
  box.textContent = ledger.consistent
    ? `ledger consistent: ${ledger.orders} orders, paid ${ledger.paid_fee}, refunded ${ledger.refunded_fee}`
    : `ledger INCONSISTENT: ${ledger.violation_count} violation(s): ` +
      (ledger.violations || []).map((v) => v.invariant || v.message || JSON.stringify(v)).join('; ');
}

function renderTimeline(order, entries) {
  $('#timeline-box').hidden = !order;
  if (!order) return;
  $('#timeline-order').textContent = order;
  const ol = $('#timeline');
  ol.replaceChildren();
  for (const e of entries) {
    let answer = null;
    try { answer = JSON.parse(e.response); } catch (err) { answer = null; }
    const [verdict, cls] = signatureVerdict(e, answer);
    const shaped = [];
    if (e.fault)
      shaped.push(`fault ${e.fault} from ` +
        (e.fault_source === 'header' ? 'the X-Upay-Fault header'
          : e.fault_source === 'admin' ? 'POST /mock/preorders/pay' : `rule #${e.rule}`));
    const persona = personaOf[e.out_trade_no];
    if (persona && persona !== 'default') shaped.push(`persona ${persona}`);
    const dl = el('dl', {},
      el('dt', {}, 'received'), el('dd', {}, gmt8(e.time) + ' GMT+8'),
      el('dt', {}, 'merchant clock'), el('dd', {}, e.mch_time ? gmt8(e.mch_time) + ' GMT+8' : '-'),
      el('dt', {}, 'request'), el('dd', { class: 'request' }, e.request),
      el('dt', {}, 'string to sign'), el('dd', { class: 'signstring' }, signString(e.request)),
      el('dt', {}, 'signature'), el('dd', { class: 'signature' }, verdict),
      el('dt', {}, 'why (X-Upay-Detail)'), el('dd', { class: 'detail' }, e.detail || '-'),
      el('dt', {}, 'answer'), el('dd', { class: 'response' }, `HTTP ${e.http_status} ${e.response}`),
      el('dt', {}, 'shaped by'), el('dd', { class: 'shaped' }, shaped.join('; ') || 'nothing special'),
      el('dt', {}, 'changed'), el('dd', {}, e.change || '-'),
      el('dt', {}, 'linter'), el('dd', { class: 'lint' }, e.lint || '-'),
      e.detail ? el('dt', {}, 'detail') : null, e.detail ? el('dd', {}, e.detail) : null);
    ol.append(el('li', { class: (e.fault ? 'shaped ' : '') + cls, 'data-seq': e.seq },
      el('b', {}, `#${e.seq} ${e.call || '?'}`), ' ',
      answer ? el('span', {}, 'code ', el('b', { class: 'code' }, answer.code || '-'), ' ',
        answer.trade_state ? stateSpan(answer.trade_state) : '') : null, dl));
  }
  if (!entries.length) ol.append(el('li', { class: 'muted' }, 'no exchange journaled (2048 kept)'));
}

/* The selected order's pre-order panel: its QR code, the customer's buttons, its notifications. */
function renderPreorder(order, notes) {
  const o = orderOf[order];
  $('#preorder-box').hidden = !(o && o.trade_type);
  if (!o || !o.trade_type) return;
  $('#preorder-order').textContent = order;
  const qr = $('#preorder-qr');
  qr.hidden = !o.code_url;
  const src = o.code_url ? '/mock/ui/qr?text=' + encodeURIComponent(o.code_url) : '';
  if (qr.getAttribute('src') !== src) qr.setAttribute('src', src);
  $('#preorder-info').textContent = `${o.trade_type} ${o.paytype}, ${o.total_fee} fen, ` +
    `${o.state}, expires ${gwTime(o.expires)}` + (o.code_url ? `, code_url ${o.code_url}` : '') +
    `, notify_url ${o.notify_url || '(none)'}`;
  for (const b of ['pay', 'decline', 'abandon']) $('#preorder-' + b).disabled = o.state !== 'NOTPAY';
  const ul = $('#notifications');
  ul.replaceChildren();
  for (const n of notes)
    ul.append(el('li', { 'data-notification': n.id },
      `#${n.id} ${n.status}, ${n.attempts} attempt(s)`,
      n.next_attempt ? `, next at ${gwTime(n.next_attempt)}` : '',
      n.fault ? `, fault ${n.fault}` : '', n.held_until_refund ? ' (held until a refund)' : '',
      n.attempts ? `, last answer HTTP ${n.last_http_status} "${n.last_answer}"` : ''));
  if (!notes.length) ul.append(el('li', { class: 'muted' }, 'none'));
}

function customer(action) {
  const { mch, order } = hashState();
  const body = { mch_id: mch, out_trade_no: order, action };
  if ($('#preorder-persona').value) body.persona = $('#preorder-persona').value;
  if (action === 'pay' && $('#preorder-fault').value) body.notify_fault = $('#preorder-fault').value;
  return act(() => api('POST', 'preorders/pay', body)
    .then((r) => { $('#preorder-result').textContent = `${r.what}; notification: ${r.notify}`; }))
    .catch((e) => { $('#preorder-result').textContent = e.message; });
}

async function refresh() {
  if (busy) return;
  busy = true;
  try {
    const { mch, order } = hashState();
    const page = await api('GET', 'merchants?limit=' + MERCHANTS_LISTED);
    const merchants = page.merchants.map((m) => m.mch_id);
    if (mch && !merchants.includes(mch)) merchants.push(mch);
    renderMerchants(merchants, mch, page.next !== null);
    $('#merchant').hidden = !mch;
    if (mch) {
      const q = 'mch_id=' + encodeURIComponent(mch);
      const [clock, orders, ledger, rules, lint] = await Promise.all([
        api('GET', 'clock?' + q).catch(() => null), api('GET', 'orders?limit=1000&' + q),
        api('GET', 'ledger?' + q), api('GET', 'rules?' + q), api('GET', 'lint?' + q)]);
      $('#mch-name').textContent = mch;
      $('#clock').textContent = clock ? gwTime(clock.time) : 'not created yet';
      $('#clock-offset').textContent = clock ? `offset ${clock.offset} s, global ${clock.global_offset} s` : '';
      renderOrders(orders.orders, order, mch);
      renderLedger(ledger);
      renderRules(rules.rules);
      renderLint(lint);
      const journal = order
        ? await api('GET', `journal?limit=1000&${q}&out_trade_no=${encodeURIComponent(order)}`)
        : { entries: [] };
      renderTimeline(order, journal.entries);
      const notes = order && orderOf[order] && orderOf[order].trade_type
        ? await api('GET', `notifications?${q}&out_trade_no=${encodeURIComponent(order)}`)
        : { notifications: [] };
      renderPreorder(order, notes.notifications);
    }
    $('#status').textContent = 'live, updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    $('#status').textContent = 'cannot read the mock: ' + e.message;
  } finally {
    busy = false;
  }
}

/* Run one control, then refresh at once; errors go to the status line. */
async function act(fn) {
  try {
    await fn();
  } catch (e) {
    $('#status').textContent = e.message;
    throw e;
  } finally {
    await refresh();
  }
}

function advance(seconds) {
  const { mch } = hashState();
  return act(() => api('POST', 'clock', { advance_seconds: seconds, mch_id: mch }));
}

function setup() {
  for (const b of document.querySelectorAll('[data-advance]'))
    b.addEventListener('click', () => advance(Number(b.dataset.advance)));
  $('#advance-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    advance(Number($('#advance-custom').value));
  });
  $('#reset').addEventListener('click', () => {
    const { mch } = hashState();
    if (confirm(`Forget every order, refund, rule and clock offset of ${mch}?`))
      act(() => api('POST', 'reset', { mch_id: mch })).then(() => setHash(mch, ''));
  });
  for (const action of ['pay', 'decline', 'abandon'])
    $('#preorder-' + action).addEventListener('click', () => customer(action));
  $('#pick-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    setHash($('#pick-mch').value, '');
  });
  $('#rule-fault').addEventListener('change', () => {
    const f = faults.find((x) => x.name === $('#rule-fault').value);
    $('#fault-summary').textContent = f ? f.summary : '';
  });
  $('#rule-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const { mch } = hashState();
    const rule = { fault: $('#rule-fault').value, mch_id: mch };
    if ($('#rule-arg').value) rule.fault += '=' + $('#rule-arg').value;
    if ($('#rule-method').value) rule.method = $('#rule-method').value;
    if ($('#rule-order').value) rule.out_trade_no = $('#rule-order').value;
    const times = $('#rule-times').value.trim();
    if (times) rule.times = times === 'always' ? 'always' : Number(times);
    $('#rule-error').textContent = '';
    act(() => api('POST', 'rules', rule)).catch((e) => { $('#rule-error').textContent = e.message; });
  });
  api('GET', 'faults').then((r) => {
    faults = r.faults;
    const sel = $('#rule-fault');
    for (const f of faults) sel.append(el('option', { value: f.name }, f.name));
    sel.dispatchEvent(new Event('change'));
  }).catch(() => {});
  window.addEventListener('hashchange', refresh);
  refresh();
  setInterval(refresh, POLL_MS);
}

setup();
