"""PLACEHOLDER: replaced by the helper who owns this module."""

from django.http import Http404


def team(request, *args, **kwargs):
    raise Http404


def plan(request, *args, **kwargs):
    raise Http404


def member_add(request, *args, **kwargs):
    raise Http404


def trusted_add(request, *args, **kwargs):
    raise Http404


def member_remove(request, *args, **kwargs):
    raise Http404


def meeting_new(request, *args, **kwargs):
    raise Http404


def meeting_edit(request, *args, **kwargs):
    raise Http404


def meeting_finish(request, *args, **kwargs):
    raise Http404
