"""The demo's e-mail: printed on the console as the reader would see it."""

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
    """Django's console backend prints the raw message, whose text is quoted-printable when it has Norwegian letters:
    a sign-in link is cut in two with '=' at the line break and cannot be copied. This prints the headers a reader
    sees and the text as written."""

    def write_message(self, message):
        headers = f"From: {message.from_email}\nTo: {', '.join(message.to)}\nSubject: {message.subject}\n"
        self.stream.write(f"{headers}\n{message.body}\n{'-' * 79}\n")
