/* Natter loader (embed.js): the one script a shop pastes, and all a page that never
   opens the chat downloads. After the page's load event it reads the tenant's public
   config and draws the chat bubble in a shadow root (open: axe and other accessibility
   checkers can audit it; a closed one protects nothing from the page's own scripts)
   styled by a constructable stylesheet (no inline style, so a strict CSP needs no
   nonce), placed and coloured by that config. The frame part (embed/frame.js: the
   widget frame, the postMessage bridge, the visitor's first-party storage) is a second
   script from the relay, loaded only when needed: on click (preconnecting on
   hover/focus), when the visitor has a conversation going (first-party hint in this
   origin's localStorage, set by the frame), or when a third part opens it: that
   part (embed/teaser.js: proactive greetings and the auto-open delay) loads only
   for a tenant with greeting rules or an auto-open delay. They share one private object, `Natter._k`. No dependencies.
   Host API: Natter.open(), .close(), .identify({id, name, email, hash}),
   .setLocale(tag), .on('unread', fn). Unknown tenant or refused origin: nothing is
   drawn and one console warning explains why. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (window.Natter && window.Natter.version) return;
  function warn(m) { console.warn('Natter: ' + m); }
  var tenant = script && script.getAttribute('data-tenant');
  if (!tenant) { warn('the script tag has no data-tenant.'); return; }
  var relay = new URL(script.src, location.href).origin;
  var key = 'natter:' + tenant + ':';
  var T = {
    en: ['Open chat', 'Close chat', ' unread', 'Chat'],
    th: ['เปิดแชท', 'ปิดแชท', ' ข้อความใหม่', 'แชท']
  };
  var cfg, host, btn, isOpen = false, wantOpen = false, loading = false;
  var unread = 0, identity = null, locale = null, listeners = [], preconnected = false;
  // Shared with the frame part, which adds `frame`, `post`, `show` and the unread
  // badge (`badge`) when it runs: unread counts only come from the frame.
  // It reads `o` (open), `i` (identity) and `l` (locale), kept here.
  var k = { relay: relay, tenant: tenant, store: store, stored: stored, unread: setUnread, close: close, label: label };

  function store(name, v) {
    try { if (v == null) localStorage.removeItem(key + name); else localStorage.setItem(key + name, v); } catch (e) { /* storage off */ }
  }
  function stored(name) {
    try { return localStorage.getItem(key + name); } catch (e) { return null; }
  }
  function lang() {
    var l = (locale || (cfg && cfg.locale) || navigator.language || 'en').slice(0, 2).toLowerCase();
    return T[l] ? l : 'en';
  }
  function post(msg) {
    if (k.post) k.post(msg);
  }
  function label() {
    var t = T[lang()];
    btn.setAttribute('aria-label', (isOpen ? t[1] : t[0]) + (unread && !isOpen ? ' (' + unread + t[2] + ')' : ''));
    btn.setAttribute('aria-expanded', String(isOpen));
    if (k.frame) k.frame.title = t[3];
    if (k.badge) k.badge(unread);
  }
  function setUnread(n) {
    unread = n > 0 ? n : 0;
    label();
    listeners.forEach(function (fn) { try { fn(unread); } catch (e) { warn('unread listener failed: ' + e); } });
  }
  function preconnect() {
    if (preconnected) return;
    preconnected = true;
    var l = document.createElement('link');
    l.rel = 'preconnect';
    l.href = relay;
    document.head.appendChild(l);
  }
  function part(name) {
    var s = document.createElement('script');
    s.src = relay + '/assets/' + name;
    s.async = true;
    document.head.appendChild(s);
  }
  function load() {
    if (loading) return;
    loading = true;
    preconnect();
    part('{{FRAME_JS}}');
  }
  function show(open) {
    isOpen = k.o = open;
    host.classList.toggle('open', open);
    btn.classList.toggle('x', open);
    label();
    if (k.show) k.show(open);
  }
  function open() {
    if (!cfg) { wantOpen = true; return; }
    load();
    show(true);
  }
  function close() {
    wantOpen = false;
    if (!cfg || !isOpen) return;
    show(false);
    btn.focus();
  }

  function draw(c) {
    cfg = k.cfg = c;
    var hex = /^#[\da-f]{6}$/i;
    var p = hex.test(c.primary_color) ? c.primary_color : '#4f46e5';
    var s = hex.test(c.secondary_color) ? c.secondary_color : '#ffffff';
    var side = c.position === 'bottom_left' ? 'left' : 'right';
    var x = k.x = (+c.offset_x || 0) + 'px', y = k.y = (+c.offset_y || 0) + 'px';
    k.side = side;
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(
      ':host{all:initial;position:fixed;z-index:2147483000;bottom:' + y + ';' + side + ':' + x + '}' +
      '.b{position:relative;width:60px;height:60px;border:0;border-radius:50%;cursor:pointer;display:grid;place-items:center;' +
      'background:' + p + ';color:' + s + ';box-shadow:0 4px 16px #0004}' +
      '.b:focus-visible{outline:3px solid ' + p + ';outline-offset:3px}' +
      '.b svg{width:28px;height:28px}.b .c,.b.x .o{display:none}.b.x .c{display:block}' +
      '@media (max-width:480px),(max-height:500px){:host(.open) .b{display:none}}' +
      '@media (prefers-reduced-motion:no-preference){.b{transition:transform .15s}.b:hover{transform:scale(1.06)}}'
    );
    host = document.createElement('natter-chat');
    var root = k.root = host.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [sheet];
    btn = k.btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'b';
    btn.innerHTML =
      '<svg class="o" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>' +
      '<svg class="c" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"/></svg>';
    btn.addEventListener('click', function () { if (isOpen) close(); else open(); });
    btn.addEventListener('pointerenter', preconnect);
    btn.addEventListener('focus', preconnect);
    root.appendChild(btn);
    label();
    document.body.appendChild(host);
    if (wantOpen) open();
    else if (stored('active') === '1') load();
    if (c.greetings || c.auto_open_delay_secs) part('{{TEASER_JS}}');
  }

  window.Natter = {
    version: 1,
    _k: k,
    open: open,
    close: close,
    identify: function (o) {
      if (!o || !o.id || !o.hash) { warn('identify() needs id and hash.'); return; }
      identity = k.i = { id: String(o.id), hash: String(o.hash), name: o.name, email: o.email };
      post(Object.assign({ type: 'identify' }, identity));
    },
    setLocale: function (l) {
      locale = k.l = String(l);
      post({ type: 'locale', locale: locale });
      if (btn) label();
    },
    on: function (ev, fn) {
      if (ev !== 'unread' || typeof fn !== 'function') { warn('on() takes "unread" and a function.'); return function () {}; }
      listeners.push(fn);
      if (unread) fn(unread);
      return function () { listeners = listeners.filter(function (f) { return f !== fn; }); };
    }
  };

  // The config is fetched once the page has loaded (and the browser is idle), so the chat
  // never competes with the shop's own resources; at the latest after 4 s (one hung image
  // must not hide the chat).
  var started = false;
  function start() {
    if (started) return;
    started = true;
    fetch(relay + '/v1/widget/' + encodeURIComponent(tenant) + '/config').then(function (r) {
      if (r.ok) return r.json();
      return r.json().catch(function () { return {}; }).then(function (b) {
        var code = b && b.error && b.error.code;
        throw new Error(code === 'unknown_tenant' ? 'unknown tenant "' + tenant + '"'
          : code === 'origin_not_allowed' ? 'this page (' + location.origin + ') is not among the allowed origins of tenant "' + tenant + '"'
          : 'HTTP ' + r.status);
      });
    }, function () {
      throw new Error('could not reach ' + relay);
    }).then(function (c) {
      if (!document.body) document.addEventListener('DOMContentLoaded', function () { draw(c); });
      else draw(c);
    }).catch(function (e) { warn(e.message + '; the chat is not shown.'); });
  }
  // After load, at the browser's next idle moment (at most 1 s later): the page's
  // own first paint never waits on the chat's request.
  function soon() {
    if (window.requestIdleCallback) requestIdleCallback(start, { timeout: 1000 });
    else setTimeout(start, 0);
  }
  if (document.readyState === 'complete') soon();
  else {
    window.addEventListener('load', soon, { once: true });
    setTimeout(start, 4000);
  }
})();
