"""Minimal settings of the Django project the fixture database belongs to
(sqlstore/testdata/django/): the apps whose tables restauth shares, the
fixture's SECRET_KEY (also SimpleJWT's signing key) and the settings
dj-rest-auth deployments use with it.

Environment:
  DJANGOCHECK_DB          path of the SQLite database (required)
  DJANGOCHECK_SECRET_KEY  the fixture's SECRET_KEY; default: read from
                          sqlstore/testdata/django/fixture-expectations.json
"""

import json
import os
from datetime import timedelta

_HERE = os.path.dirname(os.path.abspath(__file__))


def _secret_key():
    key = os.environ.get("DJANGOCHECK_SECRET_KEY")
    if key:
        return key
    path = os.path.join(_HERE, "..", "..", "..", "sqlstore", "testdata", "django", "fixture-expectations.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)["secret_key"]


SECRET_KEY = _secret_key()
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "djangocheck.urls"
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_simplejwt.token_blacklist",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["DJANGOCHECK_DB"],
        # restauth may hold the write lock for a moment.
        "OPTIONS": {"timeout": 20},
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# allauth as the reference dj-rest-auth site ran it.
ACCOUNT_EMAIL_REQUIRED = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_AUTHENTICATION_METHOD = "username_email"

SIMPLE_JWT = {
    "SIGNING_KEY": SECRET_KEY,
    "ALGORITHM": "HS256",
    "USER_ID_CLAIM": "user_id",
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
}

LOGGING = {"version": 1, "disable_existing_loggers": False}
