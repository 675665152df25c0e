#!/usr/bin/env python3
"""Checks artefacts restauth wrote into a Django database with real
Django, DRF, SimpleJWT and allauth code, and creates artefacts with that
code for restauth to accept or refuse.

Usage: check.py --db DB.sqlite3 --in ACTIONS.json --out RESULTS.json

ACTIONS.json is {"actions": [{"name": ..., "kind": ..., <params>}, ...]};
they run in order. For each action one JSON line goes to stdout:
{"name", "kind", "ok", "reason", "info"}, where info holds details that
are not secrets (tokens and keys appear as their first 8 characters at
most, passwords never). RESULTS.json gets the same results plus, for the
actions that create something, "values" with the full artefacts (session
keys, tokens), which the caller needs and which are therefore never
printed.

Check kinds (restauth -> Django):
  session {session_key, user_id}          SessionStore.load() and auth.get_user
  session_gone {session_key}              no session, get_user is anonymous
  drf_token {key, user_id}                TokenAuthentication.authenticate_credentials
  drf_token_gone {key}                    ... raises AuthenticationFailed
  jwt_refresh_valid {token, user_id, outstanding?}
                                          RefreshToken(token) (signature, expiry, blacklist);
                                          unless outstanding is false, its outstanding row
  jwt_access_valid {token, user_id}       JWTAuthentication validated token + get_user
  jwt_refresh_blacklisted {token}         RefreshToken(token) raises "Token is blacklisted"
  password {user_id, password, wrong_password?}
                                          hashers.check_password on auth_user.password
  confirmation_key {key, user_id, email}  EmailConfirmationHMAC.from_key
  email_verified {user_id}                the address dj-rest-auth's login checks is verified
  reset_token {uid, token, user_id}       allauth's url_str_to_user_pk and reset token generator
  last_login {user_id, not_before, not_after}
                                          the ORM's datetime, in the window (Unix seconds)

Create kinds (Django -> restauth; full values only in RESULTS.json):
  create_user {username, email, password, verified, extra_emails?}
  add_email {user_id, email}              EmailAddress.objects.add_email
  create_session {username, password}     django.test.Client().login
  django_logout_session {session_key, user_id}
                                          django.contrib.auth.logout on that session
  create_drf_token {username}             Token.objects.get_or_create
  delete_drf_token {key}                  what dj-rest-auth's logout does
  create_jwt {username, blacklist}        RefreshToken.for_user (+ blacklist())
  blacklist_jwt {token}                   RefreshToken(token).blacklist() (dj-rest-auth logout)
  django_refresh {token}                  TokenRefreshSerializer (rotation + blacklist)
  create_reset_token {username}           allauth's uid and reset token
  create_confirmation_key {email}         EmailConfirmationHMAC(address).key

Exit status: 0 when every action ran (whatever its result), 2 for bad
usage or input, 3 when Django and the apps cannot be imported.
"""

import argparse
import datetime
import json
import os
import re
import sys
import traceback


def short(s):
    """The first 8 characters of a secret, for messages."""
    s = str(s)
    return s[:8] + "…" if len(s) > 8 else "…"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--in", dest="inp", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    if not os.path.isfile(args.db):
        print(json.dumps({"fatal": "database file not found"}), flush=True)
        return 2
    try:
        with open(args.inp, encoding="utf-8") as f:
            actions = json.load(f)["actions"]
    except (OSError, ValueError, KeyError) as e:
        print(json.dumps({"fatal": "bad input: %s" % type(e).__name__}), flush=True)
        return 2

    os.environ["DJANGOCHECK_DB"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangocheck.settings")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        import django

        django.setup()
        import rest_framework
        import rest_framework_simplejwt  # noqa: F401
        import allauth  # noqa: F401
        import argon2  # noqa: F401
    except Exception as e:  # ImportError, ImproperlyConfigured
        print(json.dumps({"fatal": "Django is not importable: %s: %s" % (type(e).__name__, e)}), flush=True)
        return 3

    versions = {
        "django": django.get_version(),
        "djangorestframework": rest_framework.VERSION,
        "simplejwt": _version("djangorestframework-simplejwt"),
        "allauth": allauth.__version__,
    }
    print(json.dumps({"versions": versions}), flush=True)

    results = []
    for a in actions:
        name, kind = a.get("name", "?"), a.get("kind", "?")
        fn = KINDS.get(kind)
        res = {"name": name, "kind": kind, "ok": False, "reason": "", "info": {}}
        if fn is None:
            res["reason"] = "unknown kind"
        else:
            try:
                out = fn(a, res["info"])
                if isinstance(out, dict):
                    res["ok"], res["values"] = True, out
                elif out is None or out is True:
                    res["ok"] = True
                else:
                    res["reason"] = str(out)
            except Failure as e:
                res["reason"] = str(e)
            except Exception as e:  # report, and go on with the next action
                res["reason"] = "%s: %s" % (type(e).__name__, e)
                res["info"]["traceback"] = traceback.format_exc().splitlines()[-3:]
        printed = {k: v for k, v in res.items() if k != "values"}
        print(json.dumps(printed, default=str), flush=True)
        results.append(res)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"versions": versions, "results": results}, f, default=str)
    return 0


def _version(dist):
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:
        return "?"


class Failure(Exception):
    """A check that did not pass; the message is the reason."""


def need(cond, reason):
    if not cond:
        raise Failure(reason)


def user_by_id(user_id):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=int(user_id))


def user_by_name(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def session_request(session_key):
    from django.conf import settings
    from django.http import HttpRequest
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    request = HttpRequest()
    request.session = engine.SessionStore(session_key)
    return request


# --- checks: restauth -> Django -------------------------------------------


def check_session(a, info):
    from django.conf import settings
    from django.contrib.auth import get_user
    from django.contrib.sessions.backends.db import SessionStore

    key = a["session_key"]
    # load() verifies the signature and expire_date > now; an invalid
    # session loads as {} (and a fresh key).
    data = SessionStore(key).load()
    info["keys"] = sorted(data.keys())
    need(data, "SessionStore(%s).load() is empty: bad signature, expired or missing" % short(key))
    need(data.get("_auth_user_id") == str(a["user_id"]),
         "_auth_user_id is %r, want %r (a string)" % (data.get("_auth_user_id"), str(a["user_id"])))
    backend = data.get("_auth_user_backend")
    info["backend"] = backend
    need(backend in settings.AUTHENTICATION_BACKENDS, "_auth_user_backend %r is not in AUTHENTICATION_BACKENDS" % backend)
    need(isinstance(data.get("_auth_user_hash"), str) and data["_auth_user_hash"], "no _auth_user_hash")
    user = get_user(session_request(key))
    need(user.is_authenticated, "django.contrib.auth.get_user gives AnonymousUser (session auth hash not verified?)")
    need(user.pk == int(a["user_id"]), "get_user gives user %s, want %s" % (user.pk, a["user_id"]))
    return True


def check_session_gone(a, info):
    from django.contrib.auth import get_user
    from django.contrib.sessions.backends.db import SessionStore

    key = a["session_key"]
    need(not SessionStore().exists(key), "django_session still holds %s" % short(key))
    user = get_user(session_request(key))
    need(not user.is_authenticated, "get_user still gives user %s" % user.pk)
    return True


def check_drf_token(a, info):
    from rest_framework.authentication import TokenAuthentication

    user, token = TokenAuthentication().authenticate_credentials(a["key"])
    need(user.pk == int(a["user_id"]), "the key authenticates user %s, want %s" % (user.pk, a["user_id"]))
    return True


def check_drf_token_gone(a, info):
    from rest_framework import exceptions
    from rest_framework.authentication import TokenAuthentication

    try:
        user, _ = TokenAuthentication().authenticate_credentials(a["key"])
    except exceptions.AuthenticationFailed as e:
        info["detail"] = str(e.detail)
        return True
    raise Failure("DRF still authenticates user %s with %s" % (user.pk, short(a["key"])))


def check_jwt_refresh_valid(a, info):
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
    from rest_framework_simplejwt.tokens import RefreshToken

    tok = RefreshToken(a["token"])  # signature, exp, token_type, blacklist
    info["claims"] = sorted(tok.payload.keys())
    need(str(tok.payload.get("user_id")) == str(a["user_id"]), "user_id claim %r" % tok.payload.get("user_id"))
    if not a.get("outstanding", True):
        return True  # SimpleJWT 5.2's rotation writes no row for the new token
    row = OutstandingToken.objects.filter(jti=tok.payload["jti"]).first()
    need(row is not None, "no token_blacklist_outstandingtoken row for its jti")
    need(row.user_id == int(a["user_id"]), "outstanding row of user %s" % row.user_id)
    return True


def check_jwt_access_valid(a, info):
    from rest_framework_simplejwt.authentication import JWTAuthentication

    auth = JWTAuthentication()
    validated = auth.get_validated_token(a["token"].encode())
    user = auth.get_user(validated)
    need(user.pk == int(a["user_id"]), "JWTAuthentication.get_user gives %s, want %s" % (user.pk, a["user_id"]))
    return True


def check_jwt_refresh_blacklisted(a, info):
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import RefreshToken

    try:
        RefreshToken(a["token"])
    except TokenError as e:
        msg = e.args[0] if e.args else str(e)
        need(str(msg) == "Token is blacklisted", "TokenError %r, want 'Token is blacklisted'" % str(msg))
        return True
    raise Failure("SimpleJWT accepts the refresh token %s" % short(a["token"]))


def check_password(a, info):
    from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher

    user = user_by_id(a["user_id"])
    encoded = user.password
    hasher = identify_hasher(encoded)
    info["algorithm"] = hasher.algorithm
    if hasher.algorithm == "argon2":
        # Parameters only (variant, version, memory, time, lanes): the salt
        # and hash stay out.
        info["argon2_params"] = "$".join(encoded.split("$")[1:4])
    # Django re-hashes at its next login when this is true (not its first
    # hasher, or other parameters): informative, not an error.
    info["django_would_rehash"] = hasher.algorithm != get_hasher("default").algorithm or hasher.must_update(encoded)
    need(check_password(a["password"], encoded), "check_password(password, %s hash) is False" % hasher.algorithm)
    if a.get("wrong_password"):
        need(not check_password(a["wrong_password"], encoded), "check_password accepts the wrong password too")
    return True


def check_confirmation_key(a, info):
    from allauth.account.models import EmailConfirmationHMAC

    conf = EmailConfirmationHMAC.from_key(a["key"])
    need(conf is not None, "EmailConfirmationHMAC.from_key(%s) is None (bad signature, expired, "
                           "or no unverified address with that id)" % short(a["key"]))
    addr = conf.email_address
    need(addr.email == a["email"], "the key names address %r, want %r" % (addr.email, a["email"]))
    need(addr.user_id == int(a["user_id"]), "the address belongs to user %s" % addr.user_id)
    return True


def check_email_verified(a, info):
    from allauth.account.utils import has_verified_email

    user = user_by_id(a["user_id"])
    # dj-rest-auth's LoginSerializer: user.emailaddress_set.get(email=user.email).verified
    addr = user.emailaddress_set.get(email=user.email)
    need(addr.verified, "account_emailaddress row of %r is not verified" % user.email)
    need(has_verified_email(user, user.email), "allauth's has_verified_email is False")
    return True


def check_reset_token(a, info):
    from allauth.account.forms import default_token_generator as allauth_generator
    from allauth.account.utils import url_str_to_user_pk
    from django.contrib.auth.tokens import default_token_generator as django_generator

    pk = url_str_to_user_pk(a["uid"])
    need(pk == int(a["user_id"]), "uid decodes to %r, want %s" % (pk, a["user_id"]))
    user = user_by_id(pk)
    # dj-rest-auth with allauth installed checks allauth's token (the one
    # restauth makes); Django's own generator signs without the addresses.
    info["django_generator_accepts"] = django_generator.check_token(user, a["token"])
    info["addresses"] = user.emailaddress_set.count()
    if allauth_generator.check_token(user, a["token"]):
        return True
    # Diagnosis: would allauth's rule accept it with the user's email
    # alone, ignoring the account_emailaddress rows it also signs?
    info["accepted_with_user_email_only"] = _primary_only_generator().check_token(user, a["token"])
    raise Failure("allauth's EmailAwarePasswordResetTokenGenerator refuses the token for user %s" % pk)


def _primary_only_generator():
    from django.contrib.auth.tokens import PasswordResetTokenGenerator

    class PrimaryOnly(PasswordResetTokenGenerator):
        def _make_hash_value(self, user, timestamp):
            return super()._make_hash_value(user, timestamp) + (user.email or "")

    return PrimaryOnly()


DJANGO_SQLITE_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$")


def check_last_login(a, info):
    from django.db import connection

    user = user_by_id(a["user_id"])
    ll = user.last_login
    need(isinstance(ll, datetime.datetime), "last_login is %r, not a datetime" % (ll,))
    need(ll.tzinfo is not None, "last_login is naive")
    ts = ll.timestamp()
    info["last_login"] = ll.isoformat()
    lo, hi = float(a["not_before"]), float(a["not_after"])
    need(lo - 1 <= ts <= hi + 1, "last_login %s is outside the login's window %s..%s" % (
        ll.isoformat(),
        datetime.datetime.fromtimestamp(lo, datetime.timezone.utc).isoformat(),
        datetime.datetime.fromtimestamp(hi, datetime.timezone.utc).isoformat()))
    if connection.vendor == "sqlite":
        # Django stores datetimes on SQLite as text and compares them as
        # text in lookups (last_login__gte=...): the value must have
        # Django's own shape, not merely parse.
        # (CAST: the sqlite3 module would convert the column's value.)
        with connection.cursor() as c:
            c.execute("SELECT CAST(last_login AS TEXT), typeof(last_login) FROM auth_user WHERE id = %s", [user.pk])
            raw, typ = c.fetchone()
        info["raw"] = raw
        need(typ == "text" and DJANGO_SQLITE_DATETIME.match(raw or ""),
             "raw last_login %r (%s) is not Django's text 'YYYY-MM-DD HH:MM:SS[.ffffff]'" % (raw, typ))
    return True


# --- creations: Django -> restauth ----------------------------------------


def create_user(a, info):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(a["username"], a["email"], a["password"])
    EmailAddress.objects.create(user=user, email=a["email"], primary=True, verified=bool(a.get("verified")))
    for e in a.get("extra_emails") or []:
        EmailAddress.objects.add_email(None, user, e)
    info["user_id"] = user.pk
    info["algorithm"] = user.password.split("$", 1)[0]
    return {"user_id": str(user.pk)}


def add_email(a, info):
    from allauth.account.models import EmailAddress

    addr = EmailAddress.objects.add_email(None, user_by_id(a["user_id"]), a["email"])
    return {"address_id": str(addr.pk)}


def create_session(a, info):
    from django.conf import settings
    from django.test import Client

    c = Client()
    need(c.login(username=a["username"], password=a["password"]), "Client().login refused the credentials")
    key = c.cookies[settings.SESSION_COOKIE_NAME].value
    info["session_key"] = short(key)
    return {"session_key": key}


def django_logout_session(a, info):
    from django.contrib.auth import get_user, logout
    from django.contrib.sessions.backends.db import SessionStore

    request = session_request(a["session_key"])
    request.user = get_user(request)
    need(request.user.is_authenticated and request.user.pk == int(a["user_id"]),
         "the session is not logged in as user %s before logout" % a["user_id"])
    logout(request)  # flush(): deletes the row
    need(not SessionStore().exists(a["session_key"]), "the session row survived Django's logout")
    return True


def create_drf_token(a, info):
    from rest_framework.authtoken.models import Token

    token, created = Token.objects.get_or_create(user=user_by_name(a["username"]))
    info["created"] = created
    info["key"] = short(token.key)
    return {"key": token.key}


def delete_drf_token(a, info):
    from rest_framework.authtoken.models import Token

    n, _ = Token.objects.filter(key=a["key"]).delete()
    need(n == 1, "no authtoken_token row with %s" % short(a["key"]))
    return True


def create_jwt(a, info):
    from rest_framework_simplejwt.tokens import RefreshToken

    refresh = RefreshToken.for_user(user_by_name(a["username"]))
    access = str(refresh.access_token)
    if a.get("blacklist"):
        refresh.blacklist()
    info["jti"] = refresh.payload["jti"]
    return {"refresh": str(refresh), "access": access}


def blacklist_jwt(a, info):
    from rest_framework_simplejwt.tokens import RefreshToken

    # dj-rest-auth's LogoutView with SimpleJWT's blacklist app.
    RefreshToken(a["token"]).blacklist()
    return True


def django_refresh(a, info):
    from rest_framework_simplejwt.serializers import TokenRefreshSerializer

    s = TokenRefreshSerializer(data={"refresh": a["token"]})
    need(s.is_valid(), "TokenRefreshSerializer refuses the token: %s" % s.errors)
    return {"refresh": s.validated_data["refresh"], "access": s.validated_data["access"]}


def create_reset_token(a, info):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    user = user_by_name(a["username"])
    # allauth's ResetPasswordForm, which dj-rest-auth's
    # AllAuthPasswordResetForm uses.
    return {"uid": user_pk_to_url_str(user), "token": default_token_generator.make_token(user)}


def create_confirmation_key(a, info):
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    addr = EmailAddress.objects.get(email__iexact=a["email"])
    return {"key": EmailConfirmationHMAC(addr).key}


KINDS = {
    "session": check_session,
    "session_gone": check_session_gone,
    "drf_token": check_drf_token,
    "drf_token_gone": check_drf_token_gone,
    "jwt_refresh_valid": check_jwt_refresh_valid,
    "jwt_access_valid": check_jwt_access_valid,
    "jwt_refresh_blacklisted": check_jwt_refresh_blacklisted,
    "password": check_password,
    "confirmation_key": check_confirmation_key,
    "email_verified": check_email_verified,
    "reset_token": check_reset_token,
    "last_login": check_last_login,
    "create_user": create_user,
    "add_email": add_email,
    "create_session": create_session,
    "django_logout_session": django_logout_session,
    "create_drf_token": create_drf_token,
    "delete_drf_token": delete_drf_token,
    "create_jwt": create_jwt,
    "blacklist_jwt": blacklist_jwt,
    "django_refresh": django_refresh,
    "create_reset_token": create_reset_token,
    "create_confirmation_key": create_confirmation_key,
}


if __name__ == "__main__":
    sys.exit(main())
