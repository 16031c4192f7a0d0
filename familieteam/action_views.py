"""PLACEHOLDER: replaced by the helper who owns this module."""

from django.http import Http404


def action_point_new(request, *args, **kwargs):
    raise Http404


def my_action_points(request, *args, **kwargs):
    raise Http404


def action_point_status(request, *args, **kwargs):
    raise Http404
