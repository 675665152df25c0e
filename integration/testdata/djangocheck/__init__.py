"""Django settings and checks that run real Django, DRF, SimpleJWT and
allauth code against a database restauth wrote (see check.py)."""
