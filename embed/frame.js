/* Natter loader, frame part: loaded by embed.js from the relay (as a content-hashed
   asset) the first time the chat is needed, never on a page that only shows the bubble.
   Inserts the widget frame into the bubble's shadow root and runs the postMessage
   bridge with it, checking origin and source both ways (PROTOCOL.md, "Loader ⇄ frame
   messages"). Keeps what the frame asks it to keep for the visitor (token, unsent
   messages, read position) in this page's own, first-party localStorage, because
   browsers block or partition a cross-site frame's storage, and hands it back with the
   already-fetched config when the frame starts. Tells a visitor who looks elsewhere
   about a reply (title flash, opt-in; desktop notification, if already permitted).
   Works on embed.js's private object `Natter._k`. No dependencies. */
(function (k) {
  'use strict';
  if (!k || k.post) return;
  // The only things the frame may ask us to keep.
  var KEPT = ['token', 'pending', 'seen', 'muted'];
  var ready = false;
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(
    'iframe{position:fixed;bottom:calc(' + k.y + ' + 72px);' + k.side + ':' + k.x + ';width:min(380px,calc(100vw - 24px));' +
    'height:min(620px,calc(100vh - ' + k.y + ' - 96px));border:0;border-radius:16px;background:#fff;' +
    'box-shadow:0 12px 48px rgba(0,0,0,.28);color-scheme:light}iframe[hidden]{display:none}' +
    '@media (max-width:480px),(max-height:500px){iframe{inset:0;width:100%;height:100%;border-radius:0}}' +
    '.n{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;box-sizing:border-box;border-radius:10px;' +
    'background:#d1242f;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}.n[hidden]{display:none}'
  );
  k.root.adoptedStyleSheets = k.root.adoptedStyleSheets.concat(sheet);
  var badge = document.createElement('span');
  badge.className = 'n';
  badge.setAttribute('aria-hidden', 'true');
  k.btn.appendChild(badge);
  k.badge = function (n) {
    badge.textContent = n > 99 ? '99+' : String(n);
    badge.hidden = !n;
  };
  var frame = k.frame = document.createElement('iframe');
  frame.src = k.relay + '/t/' + encodeURIComponent(k.tenant) + '/frame?origin=' + encodeURIComponent(location.origin);
  frame.hidden = !k.o;
  frame.setAttribute('allow', 'clipboard-write');

  function post(msg) {
    if (!ready) return;
    msg.natter = 1;
    frame.contentWindow.postMessage(msg, k.relay);
  }
  k.show = function (open) {
    frame.hidden = !open;
    post({ type: 'open', open: open });
    if (open) frame.focus();
  };

  window.addEventListener('message', function (e) {
    if (e.origin !== k.relay || e.source !== frame.contentWindow) return;
    var d = e.data;
    if (!d || d.natter !== 1) return;
    if (d.type === 'ready') {
      ready = true;
      post({
        type: 'init', page_url: location.href, referrer: document.referrer, locale: k.l, open: !!k.o, config: k.cfg,
        stored: { token: k.stored('token'), pending: k.stored('pending'), seen: k.stored('seen'), muted: k.stored('muted') }
      });
      if (k.i) post(Object.assign({ type: 'identify' }, k.i));
    } else if (d.type === 'store') {
      if (KEPT.indexOf(d.key) >= 0 && (d.value === null || typeof d.value === 'string')) k.store(d.key, d.value);
    } else if (d.type === 'unread') {
      k.unread(+d.count || 0);
      alertHost(+d.count || 0);
    } else if (d.type === 'active') {
      k.store('active', d.active ? '1' : null);
    } else if (d.type === 'close') {
      k.close();
    }
  });

  // A reply that arrives while the visitor looks elsewhere: the page's title
  // flashes (only if the shop set `Natter.flashTitle = true`) and, if this origin
  // already has the visitor's permission, a desktop notification (never asked for).
  var seenCount = 0, title0, flashing;
  function alertHost(n) {
    var more = n > seenCount;
    seenCount = n;
    if (!more || !document.hidden) return;
    var news = /^th/i.test(k.l || k.cfg.locale || navigator.language) ? 'ข้อความใหม่' : 'New message';
    if (window.Natter.flashTitle === true && !flashing) {
      title0 = document.title;
      var on = false;
      flashing = setInterval(function () {
        on = !on;
        document.title = on ? '(' + seenCount + ') ' + news : title0;
      }, 1000);
    }
    if (window.Notification && Notification.permission === 'granted') {
      try { new Notification(k.cfg.name, { body: news, tag: 'natter-' + k.tenant }); } catch (e) { /* not allowed here */ }
    }
  }
  document.addEventListener('visibilitychange', function () {
    if (document.hidden || !flashing) return;
    clearInterval(flashing);
    flashing = null;
    document.title = title0;
  });

  k.post = post;
  k.root.appendChild(frame);
  k.label(); // the frame's title and the badge, in the page's language
  if (k.o) frame.focus();
})(window.Natter && window.Natter._k);
