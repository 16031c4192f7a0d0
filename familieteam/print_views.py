"""PLACEHOLDER: replaced by the helper who owns this module."""

from django.http import Http404


def invitation_pdf(request, *args, **kwargs):
    raise Http404


def canvas_pdf(request, *args, **kwargs):
    raise Http404


def minutes_pdf(request, *args, **kwargs):
    raise Http404


def canvas_blank_pdf(request, *args, **kwargs):
    raise Http404
