"""The family's sign-in mail, sent outside the request that asked for it (portal/signin.py says why)."""

from django.tasks import task
from django.utils import translation

from portal import signin


@task
def send_sign_in_link(email: str, *, next_url: str, language: str) -> int:
    """Mail a sign-in link to each login with this address that may use the portal, in the language the person
    asked in; returns how many went out. Never raises for a failing mail server: the asker learns nothing either
    way."""
    with translation.override(language):
        return signin.send_links(email, next_url)
