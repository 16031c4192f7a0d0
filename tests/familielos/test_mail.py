"""The demo prints e-mails on the console: a sign-in link must come out whole, to be copied into the browser."""

import io

from django.core.mail import EmailMessage

from familielos.mail import ReadableConsoleBackend

LINK = "http://127.0.0.1:8000/min-familie/logg-inn/NYLvGT5uhUF_-iXcBjoLPDuP6JCDDpsN2t9vBnFhO70/"


def test_console__a_long_link_in_a_norwegian_text__is_printed_whole_and_readable():
    stream = io.StringIO()
    message = EmailMessage("Lenken din for å logge inn", f"Her er lenken:\n\n{LINK}\n\nVirker éin gong.", to=["a@b.no"])

    ReadableConsoleBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert LINK in printed
    assert "Subject: Lenken din for å logge inn" in printed
    assert "To: a@b.no" in printed
    assert "Virker éin gong." in printed
