"""Django's own form messages that our catalogue words anew, in both languages: Django's Nynorsk catalogue spells
the first in Bokmål ("Velg eit gyldig valg") and the second too, and its Bokmål one lacks a word ("Valget er ikke av de
tilgjengelige valgene"). Our catalogue (LOCALE_PATHS) is read before Django's, so its wording wins. Marked here so
that makemessages keeps them in it; tests/test_translations.py checks each in both languages."""

from django.utils.translation import gettext_noop

DJANGO_TEXTS = (
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
)
