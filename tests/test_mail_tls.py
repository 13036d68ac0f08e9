"""Mail goes out over real TLS (STARTTLS and implicit SSL) to a server on 127.0.0.1 whose certificate a
throwaway authority signed (trustme); the board never sends a letter in the clear when told to encrypt,
and never to a server whose certificate it cannot verify."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import trustme
from aiosmtpd.controller import Controller

from reformboard.mail import Letter, compose, send
from reformboard.settings import MAIL_FROM, SMTP_HOST, SMTP_PORT, SMTP_SECURITY, MailSettings
from tests.fixtures.ports import free_port

HOST = "127.0.0.1"
SENDER = "xuexiaobu@gdyouth.example.cn"
SCHOOL = "tuanwei@gzsf.edu.cn"


@dataclass
class Inbox:
    """What the server received, and whether each message came over TLS."""

    messages: list[tuple[list[str], bool]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        encrypted = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        self.messages.append((list(envelope.rcpt_tos), encrypted))
        return "250 OK"


@pytest.fixture
def authority(tmp_path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """A certificate authority the machine trusts for this test only (OpenSSL reads SSL_CERT_FILE)."""
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    return ca


def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(context)
    return context


@pytest.fixture
def serve() -> Iterator:
    """Starts an aiosmtpd server with the given options; stops them all at the end."""
    started: list[Controller] = []

    def start(inbox: Inbox, **options) -> int:
        controller = Controller(inbox, hostname=HOST, port=free_port(), **options)
        controller.start()
        started.append(controller)
        return controller.port

    yield start
    for controller in started:
        controller.stop()


def settings(port: int, security: str) -> MailSettings:
    """As the board reads them from its environment."""
    return MailSettings.from_env({SMTP_HOST: HOST, SMTP_PORT: str(port), SMTP_SECURITY: security, MAIL_FROM: SENDER})


def letter() -> Letter:
    return Letter((SCHOOL,), "关于改革任务逾期的提醒", "请于本周内完成子项 1.1。")


def deliver(port: int, security: str) -> tuple[bool, str]:
    config = settings(port, security)
    outcome = send(config, compose(config, letter()))
    return outcome.sent, outcome.detail


def test_starttls_sends_the_letter_encrypted(authority, serve):
    inbox = Inbox()
    port = serve(inbox, tls_context=server_context(authority), require_starttls=True)
    assert deliver(port, "starttls") == (True, "")
    assert inbox.messages == [([SCHOOL], True)]


def test_implicit_ssl_sends_the_letter_encrypted(authority, serve):
    inbox = Inbox()
    port = serve(inbox, ssl_context=server_context(authority))
    assert deliver(port, "ssl") == (True, "")
    assert inbox.messages == [([SCHOOL], True)]


def test_a_server_without_starttls_gets_nothing_in_the_clear(authority, serve):
    inbox = Inbox()
    port = serve(inbox)  # no TLS offered
    sent, detail = deliver(port, "starttls")
    assert not sent and f"无法连接邮件服务器 {HOST}:{port}" in detail and "STARTTLS" in detail
    assert inbox.messages == []


def test_a_certificate_the_board_cannot_verify_gets_nothing(authority, serve):
    stranger = trustme.CA()  # signed by an authority nobody trusts
    inbox = Inbox()
    port = serve(inbox, tls_context=server_context(stranger), require_starttls=True)
    sent, detail = deliver(port, "starttls")
    assert not sent and "CERTIFICATE_VERIFY_FAILED" in detail
    assert inbox.messages == []
