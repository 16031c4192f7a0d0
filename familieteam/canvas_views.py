"""PLACEHOLDER: replaced by the helper who owns this module."""

from django.http import Http404


def meeting(request, *args, **kwargs):
    raise Http404


def cell_save(request, *args, **kwargs):
    raise Http404


def cell_changes(request, *args, **kwargs):
    raise Http404


def cell_history(request, *args, **kwargs):
    raise Http404


def evaluate(request, *args, **kwargs):
    raise Http404
