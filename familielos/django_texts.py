"""Django's own form messages that our catalogue words anew: Django's Nynorsk catalogue spells these in Bokmål
("Velg eit gyldig valg"). Our catalogue (LOCALE_PATHS) is read before Django's, so its Nynorsk wins; they are marked
here so that makemessages keeps them in it. Nothing imports this module."""

from django.utils.translation import gettext_noop

DJANGO_TEXTS = (
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
)
