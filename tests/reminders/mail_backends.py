"""E-mail backends for the reminder tests: a server that refuses, and one that holds an e-mail while a run starts."""

import smtplib
import threading

from django.core.mail.backends import locmem


class RefusingBackend(locmem.EmailBackend):
    """An SMTP server that refuses every recipient."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user") for message in messages})


class HeldBackend(locmem.EmailBackend):
    """Sends like locmem, but first says it is sending and waits until the test lets it go on."""

    sending = threading.Event()
    go_on = threading.Event()

    def send_messages(self, messages):
        HeldBackend.sending.set()
        HeldBackend.go_on.wait(timeout=30)
        return super().send_messages(messages)
