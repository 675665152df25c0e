// "Sign in with …": social login as an SPA does it against dj-rest-auth's
// social views (restauth's social module serves the same). The browser does
// the authorization step itself, with the authorization code flow and PKCE:
//
//   1. a button sends the visitor to the provider's authorization endpoint
//      with this app's client ID, the callback URL, a random state, a nonce
//      and the S256 challenge of a random verifier (kept in sessionStorage,
//      this tab only);
//   2. the provider sends the visitor back to /social/callback?code=…&state=…;
//   3. this script checks the state and posts the code, the verifier and the
//      nonce to /api/auth/<provider>/. The server exchanges the code with the
//      provider (its client secret never reaches the browser), checks the ID
//      token and answers like login/: the JWT cookies are set, HttpOnly.
//
// It runs after app.js and uses its api(), remember() and go().
'use strict';

const SOCIAL_KEY = 'restauth.social'; // {provider, state, nonce, verifier}, this tab only

// randomString returns n random bytes, base64url-encoded.
function randomString(n = 32) {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return base64url(bytes);
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// challenge is PKCE's S256 challenge of verifier.
async function challenge(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

// signIn starts the authorization with provider p (an entry of
// /social/providers.json).
async function signIn(p) {
  const flow = { provider: p.provider, state: randomString(), nonce: randomString(), verifier: randomString(48) };
  sessionStorage.setItem(SOCIAL_KEY, JSON.stringify(flow));
  const q = new URLSearchParams({
    response_type: 'code', client_id: p.client_id, redirect_uri: p.redirect_uri, scope: p.scope,
    state: flow.state, nonce: flow.nonce, code_challenge: await challenge(flow.verifier), code_challenge_method: 'S256',
  });
  location.assign(p.authorization_endpoint + (p.authorization_endpoint.includes('?') ? '&' : '?') + q);
}

// finish completes a sign-in on the callback page: the state must be the
// one this tab sent, then the code goes to the provider's endpoint.
async function finish(params) {
  const flow = JSON.parse(sessionStorage.getItem(SOCIAL_KEY) || 'null');
  sessionStorage.removeItem(SOCIAL_KEY);
  history.replaceState(null, '', '/'); // the code leaves the address bar and the history
  if (params.get('error')) return go('#/login', 'The provider refused the sign-in: ' + params.get('error'), 'error');
  if (!flow || !params.get('state') || params.get('state') !== flow.state) {
    return go('#/login', 'This sign-in was not started here; please try again.', 'error');
  }
  const r = await api(flow.provider + '/', {
    method: 'POST', refreshOn401: false,
    body: { code: params.get('code'), code_verifier: flow.verifier, nonce: flow.nonce },
  });
  if (!r.ok) {
    const msg = (r.data.non_field_errors || [])[0] || r.data.detail || 'The sign-in failed.';
    return go('#/login', msg, 'error');
  }
  remember(r.data, r.res);
  go('#/profile', 'Signed in.');
}

// addButtons puts one "Sign in with …" button per provider under the login
// form, whenever the login view is shown.
function addButtons(providers) {
  const view = document.querySelector('#view');
  if (!view.querySelector('form') || !view.querySelector('input[name="login"]') || view.querySelector('#social')) return;
  const box = document.createElement('div');
  box.id = 'social';
  for (const p of providers) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'social';
    b.dataset.provider = p.provider;
    b.textContent = 'Sign in with ' + p.name;
    b.addEventListener('click', () => signIn(p));
    box.append(b);
  }
  view.append(box);
}

(async () => {
  const params = new URLSearchParams(location.search);
  if (location.pathname === '/social/callback') await finish(params);
  const res = await fetch('/social/providers.json', { credentials: 'same-origin' }).catch(() => null);
  const providers = res && res.ok ? await res.json() : [];
  if (!providers.length) return;
  new MutationObserver(() => addButtons(providers)).observe(document.querySelector('#view'), { childList: true });
  addButtons(providers);
})();
