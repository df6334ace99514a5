"""Outgoing e-mail: SMTP when configured, otherwise written to the log."""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("consult.mail")


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message, or log it when no mail server is configured."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.warning("Aucun serveur de messagerie : message pour %s\n%s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
