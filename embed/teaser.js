/* Natter loader, proactive part: loaded by embed.js (as a content-hashed asset from
   the relay) only when the tenant has proactive greeting rules or an auto-open delay,
   after the bubble is drawn. The auto-open delay opens the panel once per browser
   session, unless the visitor used the bubble first or has a conversation going. For greetings, it picks the first rule that matches this page (path pattern), this visitor
   (new or returning, remembered in this origin's localStorage) and the shop's hours,
   then waits for its time on page and scroll depth, and shows a teaser beside the
   bubble (in the bubble's shadow root: fixed position, no layout shift) or opens the
   chat. At most one greeting per visitor every `greetings_every_hours`; "Don't show
   again" is kept for good; nothing shows while the chat is open or a conversation is
   going. Works on embed.js's private object `Natter._k`. No dependencies. */
(function (k) {
  'use strict';
  if (!k || k.greeter) return;
  k.greeter = 1;
  var cfg = k.cfg, now = Date.now(), touched = false;
  k.btn.addEventListener('click', function () { touched = true; });
  function session(name, set) {
    try {
      if (set) sessionStorage.setItem('natter:' + k.tenant + ':' + name, set);
      return sessionStorage.getItem('natter:' + k.tenant + ':' + name);
    } catch (e) { return null; }
  }
  var delay = cfg.auto_open_delay_secs;
  if (delay > 0 && !session('auto')) {
    setTimeout(function () {
      // Not over a chat the visitor already opened or has going (the frame part is then loaded).
      if (!touched && !k.post) { session('auto', '1'); window.Natter.open(); }
    }, delay * 1000);
  }
  if (!cfg.greetings) return;
  // A returning visitor came in an earlier browser session; the answer holds for this session.
  var visit = session('visit') || session('visit', k.stored('visited') ? 'returning' : 'new') ||
    (k.stored('visited') ? 'returning' : 'new');
  k.store('visited', String(now));
  var quiet = k.stored('greet_off') || k.stored('active') === '1' ||
    now - (+k.stored('greeted') || 0) < cfg.greetings_every_hours * 3600000;
  if (quiet) return;

  function glob(p) {
    return new RegExp('^' + p.split('*').map(function (s) { return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'); }).join('.*') + '$');
  }
  var page = location.pathname + location.search;
  var rule = (cfg.greetings || []).filter(function (r) {
    return (!r.url_pattern || glob(r.url_pattern).test(page) || glob(r.url_pattern).test(location.pathname)) &&
      (r.audience === 'everyone' || r.audience === visit) && (!r.business_hours_only || cfg.online);
  })[0];
  if (!rule) return;

  var timeUp = false, done = false;
  function scrolled() {
    var max = document.documentElement.scrollHeight - innerHeight;
    return max <= 0 ? 100 : 100 * scrollY / max;
  }
  function check() {
    if (done || !timeUp || scrolled() < rule.min_scroll_percent || k.o) return;
    done = true;
    removeEventListener('scroll', check);
    k.store('greeted', String(Date.now()));
    if (rule.action === 'open') window.Natter.open();
    else show();
  }
  setTimeout(function () { timeUp = true; check(); }, rule.min_seconds_on_page * 1000);
  addEventListener('scroll', check, { passive: true });

  function button(cls, text, label, act) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = cls;
    b.textContent = text;
    if (label) b.setAttribute('aria-label', label);
    b.addEventListener('click', act);
    return b;
  }
  function show() {
    var th = /^th/i.test(k.l || cfg.locale || navigator.language);
    var T = th ? ['ข้อความจาก ', 'ปิด', 'ไม่ต้องแสดงอีก'] : ['Message from ', 'Dismiss', 'Don\u2019t show again'];
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(
      '.t{position:absolute;bottom:72px;' + k.side + ':0;box-sizing:border-box;width:max-content;max-width:min(280px,calc(100vw - 40px));' +
      'padding:12px 34px 10px 14px;border-radius:14px;background:#fff;color:#1f2328;box-shadow:0 6px 24px #0003;font:15px/1.4 system-ui,sans-serif}' +
      '.t button{font:inherit;cursor:pointer;border:0;background:none;padding:0}' +
      '.m{display:block;text-align:start;color:inherit}.x{position:absolute;top:6px;right:8px;width:24px;height:24px;font-size:18px!important;color:#57606a}' +
      '.o{margin-top:6px;color:#0a58ca;font-size:13px!important;text-decoration:underline}'
    );
    k.root.adoptedStyleSheets = k.root.adoptedStyleSheets.concat(sheet);
    var box = document.createElement('div');
    box.className = 't';
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', T[0] + cfg.name);
    function hide() { box.remove(); }
    box.appendChild(button('m', (rule.texts && rule.texts[th ? 'th' : 'en']) || rule.text, null, function () { hide(); window.Natter.open(); }));
    box.appendChild(button('x', '\u00d7', T[1], hide));
    box.appendChild(button('o', T[2], null, function () { k.store('greet_off', '1'); hide(); }));
    box.addEventListener('keydown', function (e) { if (e.key === 'Escape') hide(); });
    k.btn.addEventListener('click', hide);
    k.root.appendChild(box);
  }
})(window.Natter && window.Natter._k);
