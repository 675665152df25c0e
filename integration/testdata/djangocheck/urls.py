"""No views: the checks call Django's APIs directly (django.test.Client
only needs a URLconf to exist)."""

urlpatterns = []
