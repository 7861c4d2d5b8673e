/* Natter loader (embed.js): the one script a shop pastes. After the page's load event it
   reads the tenant's public config and draws the chat bubble in a shadow root (open: axe
   and other accessibility checkers can audit it; a closed one protects nothing from the
   page's own scripts) styled by a constructable stylesheet (no inline style, so a strict
   CSP needs no nonce), placed and coloured by that config. It loads the chat frame from
   the relay only when needed: on click (preconnecting on hover/focus), when the visitor
   has a conversation going (first-party hint in this origin's localStorage, set by the
   frame), or after the tenant's auto-open delay. Talks to the frame by postMessage,
   checking origin and source both ways, and keeps the visitor's token, unsent messages
   and read position in this origin's localStorage for the frame (PROTOCOL.md, "Embed
   API"), handing them and the fetched config back when the frame starts. No dependencies.
   Host API: Natter.open(), .close(), .identify({id, name, email, hash}),
   .setLocale(tag), .on('unread', fn). Unknown tenant or refused origin: nothing is
   drawn and one console warning explains why. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (window.Natter && window.Natter.version) return;
  function warn(m) { console.warn('Natter: ' + m); }
  var tenant = script && script.getAttribute('data-tenant');
  if (!tenant) { warn('the script tag needs data-tenant="<tenant id>"; nothing is shown.'); return; }
  var relay = new URL(script.src, location.href).origin;
  var key = 'natter:' + tenant + ':';
  // What the frame asks us to keep for the visitor in this (first-party) origin's
  // storage: a cross-site frame's own storage is blocked or wiped by browsers.
  var KEPT = ['token', 'pending', 'seen'];
  var T = {
    en: ['Open chat', 'Close chat', ' unread', 'Chat'],
    th: ['เปิดแชท', 'ปิดแชท', ' ข้อความใหม่', 'แชท']
  };
  var cfg, host, root, btn, badge, frame, ready = false, isOpen = false, wantOpen = false, userClosed = false;
  var unread = 0, identity = null, locale = null, listeners = [], preconnected = false;

  function store(k, v) {
    try { if (v == null) localStorage.removeItem(key + k); else localStorage.setItem(key + k, v); } catch (e) { /* storage off */ }
  }
  function stored(k) {
    try { return localStorage.getItem(key + k); } catch (e) { return null; }
  }
  function lang() {
    var l = (locale || (cfg && cfg.locale) || navigator.language || 'en').slice(0, 2).toLowerCase();
    return T[l] ? l : 'en';
  }
  function post(msg) {
    if (!frame || !ready) return;
    msg.natter = 1;
    frame.contentWindow.postMessage(msg, relay);
  }
  function label() {
    var t = T[lang()];
    btn.setAttribute('aria-label', (isOpen ? t[1] : t[0]) + (unread && !isOpen ? ' (' + unread + t[2] + ')' : ''));
    btn.setAttribute('aria-expanded', String(isOpen));
    if (frame) frame.title = t[3];
  }
  function setUnread(n) {
    unread = n > 0 ? n : 0;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    badge.hidden = !unread;
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
  function load() {
    if (frame) return;
    preconnect();
    frame = document.createElement('iframe');
    frame.src = relay + '/t/' + encodeURIComponent(tenant) + '/frame?origin=' + encodeURIComponent(location.origin);
    frame.hidden = !isOpen;
    frame.setAttribute('allow', 'clipboard-write');
    label();
    root.appendChild(frame);
  }
  function show(open) {
    isOpen = open;
    host.classList.toggle('open', open);
    btn.classList.toggle('x', open);
    if (frame) frame.hidden = !open;
    label();
    post({ type: 'open', open: open });
    if (open && frame) frame.focus();
  }
  function open() {
    if (!cfg) { wantOpen = true; return; }
    load();
    show(true);
  }
  function close() {
    wantOpen = false;
    if (!cfg || !isOpen) return;
    userClosed = true;
    show(false);
    btn.focus();
  }

  window.addEventListener('message', function (e) {
    if (e.origin !== relay || !frame || e.source !== frame.contentWindow) return;
    var d = e.data;
    if (!d || d.natter !== 1) return;
    if (d.type === 'ready') {
      ready = true;
      post({
        type: 'init', page_url: location.href, referrer: document.referrer, locale: locale, open: isOpen, config: cfg,
        stored: { token: stored('token'), pending: stored('pending'), seen: stored('seen') }
      });
      if (identity) post(Object.assign({ type: 'identify' }, identity));
    } else if (d.type === 'store') {
      if (KEPT.indexOf(d.key) >= 0 && (d.value === null || typeof d.value === 'string')) store(d.key, d.value);
    } else if (d.type === 'unread') {
      setUnread(+d.count || 0);
    } else if (d.type === 'active') {
      store('active', d.active ? '1' : null);
    } else if (d.type === 'close') {
      close();
    }
  });

  function draw(c) {
    cfg = c;
    var hex = /^#[0-9a-fA-F]{6}$/;
    var p = hex.test(c.primary_color) ? c.primary_color : '#4f46e5';
    var s = hex.test(c.secondary_color) ? c.secondary_color : '#ffffff';
    var side = c.position === 'bottom_left' ? 'left' : 'right';
    var x = (+c.offset_x || 0) + 'px', y = (+c.offset_y || 0) + 'px';
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(
      ':host{all:initial;position:fixed;z-index:2147483000;bottom:' + y + ';' + side + ':' + x + '}' +
      '.b{position:relative;width:60px;height:60px;border:0;border-radius:50%;cursor:pointer;display:grid;place-items:center;' +
      'background:' + p + ';color:' + s + ';box-shadow:0 4px 16px rgba(0,0,0,.25)}' +
      '.b:focus-visible{outline:3px solid ' + p + ';outline-offset:3px}' +
      '.b svg{width:28px;height:28px}.b .c,.b.x .o{display:none}.b.x .c{display:block}' +
      '.n{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;box-sizing:border-box;border-radius:10px;' +
      'background:#d1242f;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}.n[hidden]{display:none}' +
      'iframe{position:fixed;bottom:calc(' + y + ' + 72px);' + side + ':' + x + ';width:min(380px,calc(100vw - 24px));' +
      'height:min(620px,calc(100vh - ' + y + ' - 96px));border:0;border-radius:16px;background:#fff;' +
      'box-shadow:0 12px 48px rgba(0,0,0,.28);color-scheme:light}iframe[hidden]{display:none}' +
      '@media (max-width:480px),(max-height:500px){iframe{inset:0;width:100%;height:100%;border-radius:0}:host(.open) .b{display:none}}' +
      '@media (prefers-reduced-motion:no-preference){.b{transition:transform .15s}.b:hover{transform:scale(1.06)}}'
    );
    host = document.createElement('natter-chat');
    root = host.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [sheet];
    btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'b';
    btn.innerHTML =
      '<svg class="o" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>' +
      '<svg class="c" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"/></svg>';
    badge = document.createElement('span');
    badge.className = 'n';
    badge.hidden = true;
    badge.setAttribute('aria-hidden', 'true');
    btn.appendChild(badge);
    btn.addEventListener('click', function () { if (isOpen) close(); else open(); });
    btn.addEventListener('pointerenter', preconnect);
    btn.addEventListener('focus', preconnect);
    root.appendChild(btn);
    label();
    document.body.appendChild(host);
    if (wantOpen) open();
    else if (stored('active') === '1') load();
    var delay = c.auto_open_delay_secs;
    var once = function (set) {
      try { return set ? sessionStorage.setItem(key + 'auto', '1') : sessionStorage.getItem(key + 'auto'); } catch (e) { return null; }
    };
    if (delay > 0 && !once()) {
      setTimeout(function () {
        if (!userClosed && !isOpen) { once(true); open(); }
      }, delay * 1000);
    }
  }

  window.Natter = {
    version: 1,
    open: open,
    close: close,
    identify: function (o) {
      if (!o || !o.id || !o.hash) { warn('identify({id, hash, name?, email?}) needs id and hash.'); return; }
      identity = { id: String(o.id), hash: String(o.hash), name: o.name, email: o.email };
      post(Object.assign({ type: 'identify' }, identity));
    },
    setLocale: function (l) {
      locale = String(l);
      post({ type: 'locale', locale: locale });
      if (btn) label();
    },
    on: function (ev, fn) {
      if (ev !== 'unread' || typeof fn !== 'function') { warn('on() knows only "unread" with a function.'); return function () {}; }
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
    fetch(relay + '/v1/widget/' + encodeURIComponent(tenant) + '/config', { credentials: 'omit' }).then(function (r) {
      if (r.ok) return r.json();
      return r.json().catch(function () { return {}; }).then(function (b) {
        var code = b && b.error && b.error.code;
        throw new Error(code === 'unknown_tenant' ? 'unknown tenant "' + tenant + '"'
          : code === 'origin_not_allowed' ? 'this page (' + location.origin + ') is not among the allowed origins of tenant "' + tenant + '"'
          : 'the relay answered ' + r.status);
      });
    }, function () {
      throw new Error('could not reach ' + relay + ' (relay down, or this origin is not allowed for tenant "' + tenant + '")');
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
