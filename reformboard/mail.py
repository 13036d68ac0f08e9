"""E-mail out through the configured SMTP server (standard library only): compose a letter, send it, and say
in Chinese why the server did not take it."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from checks.errors import DomainError
from reformboard.settings import MailSettings

TIMEOUT_SECONDS = 30


class MailNotConfigured(DomainError):
    """No SMTP server or sender configured: nothing can be sent."""


@dataclass(frozen=True)
class Attachment:
    file_name: str
    data: bytes
    mime_type: str = "text/plain"


@dataclass(frozen=True)
class Letter:
    recipients: tuple[str, ...]
    subject: str
    body: str
    attachment: Attachment | None = None


def require_configured(settings: MailSettings) -> None:
    if not settings.host or not settings.sender:
        raise MailNotConfigured(
            "未配置发信服务器：请设置 REFORMBOARD_SMTP_HOST 与 REFORMBOARD_MAIL_FROM（见 README 环境变量表）"
        )


def compose(settings: MailSettings, letter: Letter) -> EmailMessage:
    """The message, with a Message-ID of its own so that even a refused attempt can be named."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(letter.recipients)
    message["Subject"] = letter.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(letter.body)
    if letter.attachment is not None:
        maintype, _, subtype = letter.attachment.mime_type.partition("/")
        message.add_attachment(
            letter.attachment.data, maintype=maintype, subtype=subtype, filename=letter.attachment.file_name
        )
    return message


@dataclass(frozen=True)
class Outcome:
    sent: bool  # the server took the message (for at least one recipient)
    detail: str  # why it was not taken, or which recipients it refused; in Chinese


def send(settings: MailSettings, message: EmailMessage) -> Outcome:
    """Hand the message to the server and say what came of it; never raises for the server's answer."""
    try:
        with _connect(settings) as server:
            if settings.user:
                server.login(settings.user, settings.password or "")
            refused = server.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        return Outcome(False, "收件人全部被拒收：" + _refused(exc.recipients))
    except smtplib.SMTPResponseException as exc:
        return Outcome(False, f"邮件服务器拒收：{_answer(exc.smtp_code, exc.smtp_error)}")
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(False, f"无法连接邮件服务器 {settings.host}:{settings.port}：{exc}")
    return Outcome(True, f"部分收件人被拒收：{_refused(refused)}" if refused else "")


def _refused(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "；".join(f"{to} {_answer(code, text)}" for to, (code, text) in recipients.items())


def _connect(settings: MailSettings) -> smtplib.SMTP:
    host = settings.host or ""
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(host, settings.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
    server = smtplib.SMTP(host, settings.port, timeout=TIMEOUT_SECONDS)
    if settings.security == "starttls":
        try:
            server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
    return server


def _answer(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}".strip()
