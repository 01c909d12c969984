"""E-mail: localized rendering, and the development backend used when no SMTP is configured."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone, translation

from atendo.core.models import Locale


class DevelopmentEmailBackend(BaseEmailBackend):
    """Writes each message as an .eml file under EMAIL_FILE_PATH (var/mail/) and prints a
    summary with its text body to stdout, so a developer can follow a magic link locally."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        directory = Path(settings.EMAIL_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            path = directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            if not self.fail_silently:
                sys.stdout.write(
                    f"\n----- e-mail to {', '.join(message.to)} ({path}) -----\n"
                    f"Subject: {message.subject}\n\n{message.body}\n-----\n"
                )
                sys.stdout.flush()
        return len(email_messages)


def send_localized_email(*, to: str, template: str, language: str, context: dict[str, Any]) -> None:
    """Render `core/email/<template>.{subject.txt,txt,html}` in `language` and send it."""
    language_code = Locale(language).language_code if language in Locale.values else settings.LANGUAGE_CODE
    with translation.override(language_code):
        subject = render_to_string(f"core/email/{template}.subject.txt", context).strip()
        text = render_to_string(f"core/email/{template}.txt", context)
        html = render_to_string(f"core/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
