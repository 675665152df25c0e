// restauth SPA starter: plain JavaScript against dj-rest-auth's endpoints
// (restauth speaks the same wire protocol), with JWTs in HttpOnly cookies.
//
// What the app can and cannot see:
//   - The access and refresh tokens live in HttpOnly cookies: JavaScript never
//     reads them, and this file stores nothing secret. Every fetch uses
//     credentials: 'same-origin' and the browser attaches the cookies.
//   - The csrftoken cookie is readable on purpose: unsafe requests echo it in
//     the X-CSRFToken header, the way a Django SPA does.
//   - localStorage holds only when the access token expires, in this
//     browser's clock, so every tab can refresh it silently a little before.
//
// Routes are URL fragments (#/profile), so the server serves one page and
// the keys in mail links never reach a server log or a Referer header.
'use strict';

const API = '/api/auth/';
const ACCESS_KEY = 'restauth.access'; // {"expires": ms, "lifetime": ms}; not a secret
const LEASE_KEY = 'restauth.refreshLease'; // fallback lock without Web Locks
const LEADER_KEY = 'restauth.timerLeader'; // which tab runs the timer, without Web Locks
const LOCK_NAME = 'restauth-refresh';
const MAX_LEAD = 60_000; // refresh at most a minute before expiry…
const LEAD_SHARE = 1 / 3; // …or a third of the lifetime before, if shorter

const $ = (sel, root = document) => root.querySelector(sel);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let currentUser = null; // the user JSON while logged in, else null

// The server marks the page when accounts have no username
// (RESTAUTH_USERNAME=off): they sign up and log in with their e-mail.
const EMAIL_ONLY = document.documentElement.hasAttribute('data-email-only');

// ---------------------------------------------------------------- HTTP

// cookie returns the value of a cookie JavaScript may read, or ''.
function cookie(name) {
  for (const pair of document.cookie.split('; ')) {
    const i = pair.indexOf('=');
    if (pair.slice(0, i) === name) return decodeURIComponent(pair.slice(i + 1));
  }
  return '';
}

// api calls an endpoint (a path under API, or an absolute path such as
// '/api/hello/') and resolves to {ok, status, data, res}. On 401 it refreshes
// the access token once and retries; on a CSRF 403 it retries once with the
// csrftoken cookie the 403 itself handed out. Network errors reject.
async function api(path, { method = 'GET', body, refreshOn401 = true, retryCSRF = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRFToken'] = cookie('csrftoken');
  const res = await fetch(path.startsWith('/') ? path : API + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && refreshOn401 && (await refresh())) {
    return api(path, { method, body, refreshOn401: false, retryCSRF });
  }
  if (res.status === 403 && retryCSRF && /^CSRF Failed: CSRF (cookie|token)/.test(data.detail || '')) {
    return api(path, { method, body, refreshOn401, retryCSRF: false });
  }
  return { ok: res.ok, status: res.status, data, res };
}

// ---------------------------------------------------------------- silent refresh

function readJSON(key) {
  try {
    return JSON.parse(localStorage.getItem(key));
  } catch {
    return null;
  }
}

// remember records the access_expiration of a login or refresh answer and
// schedules the next refresh. The lifetime is measured against the server's
// Date header, so a wrong clock on this computer does not matter; the header
// has one-second resolution, hence the second taken off.
function remember(data, res) {
  if (!data.access_expiration) return; // session mode: the server keeps the session alive
  const serverNow = Date.parse(res.headers.get('Date')) || Date.now();
  const lifetime = Math.max(0, Date.parse(data.access_expiration) - serverNow - 1000);
  localStorage.setItem(ACCESS_KEY, JSON.stringify({ expires: Date.now() + lifetime, lifetime }));
  schedule();
}

// forget drops the client-side state of a login (the cookies are the
// server's business: logout clears them).
function forget() {
  currentUser = null;
  clearTimeout(refreshTimer);
  localStorage.removeItem(ACCESS_KEY);
  updateNav();
}

// refreshDue is when the access token should be refreshed, or null.
function refreshDue() {
  const a = readJSON(ACCESS_KEY);
  return a ? a.expires - Math.min(MAX_LEAD, a.lifetime * LEAD_SHARE) : null;
}

let refreshTimer;

// One tab, the leader, runs the refresh timer. (Comparing localStorage inside
// the refresh lock is not enough on its own: a write reaches the other tabs
// asynchronously, so a tab could take the lock before it sees the new expiry,
// and refresh again.) With Web Locks, the first tab takes a lock that it
// holds until it closes, then the next tab takes over.
let leader = false;
navigator.locks?.request('restauth-timer', () => {
  leader = true;
  schedule();
  return new Promise(() => {}); // held until the tab closes
});

// Without Web Locks the leader is elected in localStorage: every second each
// tab renews its claim, or claims a free or stale one (a claim is stale five
// seconds after its last renewal: a closed or frozen tab). A tab leads once
// its claim is still there a second later; when two tabs claim at once, the
// one that wrote last keeps it and the other sees that on its next beat.
// A second is ample for a write to reach the other tabs, where the 50 ms of
// the refresh lease below are not, on a busy computer: two timers firing
// together could then both refresh with the same refresh token.
const TAB_ID = Math.random().toString(36).slice(2);
function claimTimer() {
  const claim = readJSON(LEADER_KEY);
  const mine = claim?.owner === TAB_ID;
  if (claim && !mine && claim.until >= Date.now()) {
    if (leader) {
      leader = false; // another tab won a simultaneous claim
      clearTimeout(refreshTimer);
    }
    return;
  }
  localStorage.setItem(LEADER_KEY, JSON.stringify({ owner: TAB_ID, until: Date.now() + 5000 }));
  if (mine && !leader) {
    leader = true;
    schedule();
  }
}
if (!navigator.locks) {
  claimTimer();
  setInterval(claimTimer, 1000);
  addEventListener('pagehide', () => {
    if (readJSON(LEADER_KEY)?.owner === TAB_ID) localStorage.removeItem(LEADER_KEY); // the next tab takes over
  });
}

// schedule (re)arms the refresh timer from the shared expiry.
function schedule() {
  clearTimeout(refreshTimer);
  if (!leader) return;
  const due = refreshDue();
  if (due !== null) refreshTimer = setTimeout(refreshIfDue, Math.max(0, due - Date.now()));
}

async function refreshIfDue() {
  const due = refreshDue();
  if (due === null) return;
  if (due > Date.now() + 1000) return schedule(); // another tab already refreshed
  try {
    if (!(await refresh())) loggedOut('Your session has ended. Please log in again.');
  } catch {
    refreshTimer = setTimeout(refreshIfDue, 5000); // offline or server down: try again soon
  }
}

let refreshing = null; // one refresh per tab at a time

// refresh renews the access cookie with the refresh cookie (token/refresh/
// with X-CSRFToken), from the timer or after a 401. It runs under a lock
// shared by the tabs, so one refresh is in flight at a time: refresh tokens
// rotate, and one presented twice ends the login. A tab that waited for the
// lock skips its refresh when the expiry in localStorage changed meanwhile
// (another tab refreshed, and the cookies are already new).
// Resolves true while logged in, false when the login is over.
function refresh() {
  if (!localStorage.getItem(ACCESS_KEY)) return Promise.resolve(false); // no JWT login here
  refreshing ??= (async () => {
    const seen = localStorage.getItem(ACCESS_KEY);
    try {
      return await withRefreshLock(async () => {
        const now = localStorage.getItem(ACCESS_KEY);
        if (now === null) return false; // another tab logged out
        if (now !== seen) return true; // another tab refreshed meanwhile
        const r = await api('token/refresh/', { method: 'POST', refreshOn401: false });
        if (r.status === 401) return false; // refresh token expired or revoked
        if (!r.ok) throw new Error(r.data.detail || `HTTP ${r.status}`);
        remember(r.data, r.res); // the storage event tells the other tabs
        return true;
      });
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

// withRefreshLock runs fn holding a lock shared by all tabs of this origin:
// the Web Locks API, or a lease in localStorage where it is missing.
function withRefreshLock(fn) {
  if (navigator.locks) return navigator.locks.request(LOCK_NAME, fn);
  return withLease(fn);
}

// withLease is the fallback lock: a tab writes a lease with its id, waits a
// moment, and holds the lock if its id is still there (the last writer wins
// a race). A lease left by a tab closed mid-refresh ends after 10 seconds.
async function withLease(fn) {
  const me = Math.random().toString(36).slice(2);
  const giveUp = Date.now() + 15_000;
  while (Date.now() < giveUp) {
    const lease = readJSON(LEASE_KEY);
    if (!lease || lease.until < Date.now()) {
      localStorage.setItem(LEASE_KEY, JSON.stringify({ owner: me, until: Date.now() + 10_000 }));
      await sleep(50); // a tab racing us may overwrite it: the last writer wins
      if (readJSON(LEASE_KEY)?.owner === me) {
        try {
          return await fn();
        } finally {
          localStorage.removeItem(LEASE_KEY);
        }
      }
    }
    await sleep(100 + Math.random() * 100);
  }
  return fn(); // the lease never freed up: refresh rather than log out
}

// Another tab logged in, refreshed or logged out.
addEventListener('storage', (e) => {
  if (e.key !== ACCESS_KEY && e.key !== null) return;
  if (e.newValue) return schedule();
  clearTimeout(refreshTimer);
  if (currentUser) loggedOut('You logged out in another tab.');
});

// Background tabs run timers late: catch up when the tab is shown again.
document.addEventListener('visibilitychange', () => document.hidden || schedule());

// ---------------------------------------------------------------- views

let pendingFlash = null;

// go navigates to a route, with a message to show on the next view.
function go(hash, text, kind = 'ok') {
  pendingFlash = text ? { text, kind } : null;
  if (location.hash === hash) route();
  else location.hash = hash;
}

function flash(text, kind = 'ok') {
  const el = $('#flash');
  el.textContent = text || '';
  el.className = kind;
  el.hidden = !text;
}

function loggedOut(text, kind = 'error') {
  forget();
  go('#/login', text, kind);
}

function updateNav() {
  $('#nav-user').hidden = !currentUser;
  $('#nav-anon').hidden = !!currentUser;
  // Email-only accounts (RESTAUTH_USERNAME=off) have no username on the wire.
  $('#nav-username').textContent = currentUser ? (currentUser.username ?? currentUser.email) : '';
}

// render shows the view of a <template> and returns #view.
function render(name) {
  const view = $('#view');
  view.replaceChildren($(`#tpl-${name}`).content.cloneNode(true));
  if (EMAIL_ONLY) {
    // Accounts have no username: no field asks for one, none shows one.
    for (const el of view.querySelectorAll('[data-username-only]')) el.remove();
    const label = $('[data-login-label]', view);
    if (label) {
      label.textContent = 'E-mail';
      Object.assign($('input[name="login"]', view), { type: 'email', autocomplete: 'email' });
    }
  }
  view.dataset.view = name;
  flash(pendingFlash?.text, pendingFlash?.kind);
  pendingFlash = null;
  updateNav();
  $('input:not([type=hidden])', view)?.focus();
  return view;
}

// showErrors puts a DRF error body next to the fields it names, the rest
// (non_field_errors, detail, unknown fields) under the form.
function showErrors(form, data) {
  const errors = data.detail ? { non_field_errors: data.detail } : data;
  for (const [field, value] of Object.entries(errors)) {
    const el = $(`[data-error="${field}"]`, form) || $('[data-error="non_field_errors"]', form);
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    el.textContent = [el.textContent, text].filter(Boolean).join(' ');
  }
}

// onSubmit runs handler(values) when the form is submitted. The handler
// returns an api() result to show its errors, or nothing on success.
function onSubmit(form, handler) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    form.querySelectorAll('[data-error]').forEach((el) => (el.textContent = ''));
    const button = $('button', form);
    button.disabled = true;
    try {
      const failed = await handler(Object.fromEntries(new FormData(form)));
      if (failed) showErrors(form, failed.data);
    } catch (err) {
      showErrors(form, { detail: `Network error: ${err.message}` });
    } finally {
      button.disabled = false;
    }
  });
}

// loadUser asks the server who is logged in (refreshing if needed).
async function loadUser() {
  const r = await api('user/');
  currentUser = r.ok ? r.data : null;
  if (!r.ok && r.status === 401) forget();
  return currentUser;
}

function viewLogin() {
  onSubmit($('form', render('login')), async ({ login, password }) => {
    const body = login.includes('@') ? { email: login, password } : { username: login, password };
    const r = await api('login/', { method: 'POST', body, refreshOn401: false });
    if (!r.ok) return r;
    if (r.data.key && !r.data.access) return { data: { detail: 'This app needs RESTAUTH_MODE=jwt, session or all.' } };
    remember(r.data, r.res);
    go('#/profile', 'You are logged in.');
  });
}

function viewSignup() {
  onSubmit($('form', render('signup')), async (values) => {
    const r = await api('registration/', { method: 'POST', body: values, refreshOn401: false });
    if (!r.ok) return r;
    if (!r.data.detail) {
      // Verification is optional or off: registration logged us in.
      remember(r.data, r.res);
      return go('#/profile', 'Welcome! We sent you a link to verify your e-mail address.');
    }
    const view = render('signup-done');
    $('#signup-email', view).textContent = values.email;
    const form = $('form', view);
    form.email.value = values.email;
    onSubmit(form, async ({ email }) => {
      const again = await api('registration/resend-email/', { method: 'POST', body: { email } });
      if (!again.ok) return again;
      flash('We sent the mail again.');
    });
  });
}

async function viewVerifyEmail(key) {
  history.replaceState(null, '', '#/registration/account-confirm-email/'); // keep the key out of history
  const status = $('#verify-status', render('verify-email'));
  const r = await api('registration/verify-email/', { method: 'POST', body: { key } });
  status.textContent = r.ok
    ? 'Your e-mail address is verified. You can log in now.'
    : 'This verification link is invalid or has expired.';
}

function viewProfile(user) {
  const view = render('profile');
  if (!EMAIL_ONLY) $('#profile-username', view).textContent = user.username;
  $('#profile-email', view).textContent = user.email;
  const form = $('form', view);
  form.first_name.value = user.first_name;
  form.last_name.value = user.last_name;
  onSubmit(form, async (values) => {
    const r = await api('user/', { method: 'PATCH', body: values });
    if (!r.ok) return r;
    currentUser = r.data;
    flash('Your profile is saved.');
  });
  // The app's own API accepts the same access cookie.
  api('/api/hello/').then((r) => r.ok && ($('#hello', view).textContent = `The API says: ${r.data.message}`));
}

function viewPasswordChange() {
  const form = $('form', render('password'));
  onSubmit(form, async (values) => {
    const r = await api('password/change/', { method: 'POST', body: values });
    if (!r.ok) return r;
    form.reset();
    flash(r.data.detail); // "New password has been saved."; other devices are logged out
  });
}

function viewPasswordReset() {
  const form = $('form', render('password-reset'));
  onSubmit(form, async (values) => {
    const r = await api('password/reset/', { method: 'POST', body: values, refreshOn401: false });
    if (!r.ok) return r;
    form.reset();
    flash(r.data.detail); // the same answer whether or not the address exists
  });
}

function viewPasswordResetConfirm(uid, token) {
  history.replaceState(null, '', '#/password-reset/confirm/'); // keep the token out of history
  onSubmit($('form', render('password-reset-confirm')), async (values) => {
    const body = { uid, token, ...values };
    const r = await api('password/reset/confirm/', { method: 'POST', body, refreshOn401: false });
    if (!r.ok) return r;
    forget(); // a reset ends every login of the account
    go('#/login', r.data.detail);
  });
}

async function logout() {
  try {
    await api('logout/', { method: 'POST', refreshOn401: false }); // revokes the login, clears the cookies
  } finally {
    loggedOut('You have been logged out.', 'ok');
  }
}

// [pattern, view, needs a logged-in user]
const routes = [
  [/^#\/login$/, viewLogin],
  [/^#\/signup$/, viewSignup],
  [/^#\/registration\/account-confirm-email\/([^/]+)\/?$/, viewVerifyEmail],
  [/^#\/password-reset$/, viewPasswordReset],
  [/^#\/password-reset\/confirm\/([^/]+)\/([^/]+)\/?$/, viewPasswordResetConfirm],
  [/^#\/profile$/, viewProfile, true],
  [/^#\/password$/, viewPasswordChange, true],
];

let routeCount = 0;

// route renders the view of location.hash; views that need a user get it
// from the server first, or send the visitor to the login form.
async function route() {
  const hash = location.hash;
  const mine = ++routeCount;
  for (const [pattern, view, needsUser] of routes) {
    const m = hash.match(pattern);
    if (!m) continue;
    const args = m.slice(1).map(decodeURIComponent);
    if (needsUser) {
      const user = await loadUser().catch(() => null);
      if (mine !== routeCount) return; // the visitor moved on meanwhile
      if (!user) return go('#/login', 'Please log in.', 'error');
      args.unshift(user);
    }
    return view(...args);
  }
  // "/", "#/" and unknown routes: the profile when logged in, else the login form.
  const user = await loadUser().catch(() => null);
  if (mine === routeCount) location.replace(user ? '#/profile' : '#/login');
}

// Link to the development mailbox when the server has one (no SMTP).
fetch('/dev/mails', { method: 'HEAD' }).then((r) => ($('#dev-mails').hidden = !r.ok), () => {});

$('#logout').addEventListener('click', logout);
addEventListener('hashchange', route);
schedule();
route();
