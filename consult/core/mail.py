"""Outgoing e-mail: SMTP when configured, otherwise written to the log."""

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app

log = logging.getLogger("consult.mail")


def public_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail, built from the ``PUBLIC_URL`` setting.

    Never from the request's ``Host`` header: a forged Host would otherwise put
    an attacker's address in front of a reset or invitation token. Works
    outside requests too (background jobs).
    """
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def send_mail(to: str, subject: str, body: str, headers: dict | None = None) -> None:
    """Send a plain-text message, or log it when no mail server is configured.

    The body (it may hold a reset or invitation link) is logged only where
    ``MAIL_TO_LOG`` allows it: development, tests, or production on request.
    """
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        if config.get("MAIL_TO_LOG"):
            log.warning("Aucun serveur de messagerie : message pour %s\n%s\n%s", to, subject, body)
        else:
            log.error("Aucun serveur de messagerie : « %s » pour %s non envoyé", subject, to)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
