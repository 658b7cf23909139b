"""The IMAP test server itself: `imap_server` is a real Dovecot on 127.0.0.1.

Each test talks to it with stdlib imaplib, over plain IMAP and over IMAPS
verified against the server's own certificate, and checks what the server
reports back (capabilities, UIDs, headers, UIDVALIDITY); see tests/imapserver.py.
Every test uses its own user (`new_user()`), so their mailboxes start empty.
"""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
from datetime import datetime, timezone
from email.parser import BytesHeaderParser
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from imapserver import ImapServer


def message(number: int, subject: str) -> bytes:
    return (
        f"From: Ana Ruiz <ana@example.test>\r\n"
        f"To: Bob Lee <bob@example.test>\r\n"
        f"Subject: {subject}\r\n"
        f"Date: Mon, 23 Nov 2026 09:0{number}:00 +0000\r\n"
        f"Message-ID: <m{number}@example.test>\r\n"
        f"\r\n"
        f"Body of message {number}.\r\n"
    ).encode()


def uid_fetch_headers(conn: imaplib.IMAP4, folder: str) -> dict[int, bytes]:
    """UID -> raw header block of every message in `folder`, via UID FETCH 1:* (BODY.PEEK[HEADER])."""
    typ, _ = conn.select(f'"{folder}"', readonly=True)
    assert typ == "OK"
    typ, data = conn.uid("FETCH", "1:*", "(BODY.PEEK[HEADER])")
    assert typ == "OK"
    headers = {}
    for item in data:
        if isinstance(item, tuple):  # (b'1 (UID 3 BODY[HEADER] {123}', b'<header bytes>')
            uid = int(re.search(rb"UID (\d+)", item[0]).group(1))
            headers[uid] = item[1]
    return headers


def test_login_with_the_password_over_plain_imap(imap_server: "ImapServer") -> None:
    assert imap_server.host == "127.0.0.1"
    conn = imaplib.IMAP4(imap_server.host, imap_server.port, timeout=10)
    try:
        assert "STARTTLS" in conn.capabilities
        typ, _ = conn.login(imap_server.new_user(), imap_server.password)
        assert typ == "OK"
        typ, data = conn.select("INBOX")
        assert (typ, data) == ("OK", [b"0"])
    finally:
        conn.logout()


def test_imaps_verifies_against_ca_file(imap_server: "ImapServer") -> None:
    context = ssl.create_default_context(cafile=imap_server.ca_file)
    for host in ("127.0.0.1", "localhost"):  # both names are in the certificate
        conn = imaplib.IMAP4_SSL(host, imap_server.tls_port, ssl_context=context, timeout=10)
        try:
            assert conn.sock.getpeercert()["subjectAltName"] == (("IP Address", "127.0.0.1"), ("DNS", "localhost"))
            typ, _ = conn.login(imap_server.new_user(), imap_server.password)
            assert typ == "OK"
        finally:
            conn.logout()


def test_starttls_on_the_plain_port_verifies_too(imap_server: "ImapServer") -> None:
    conn = imaplib.IMAP4(imap_server.host, imap_server.port, timeout=10)
    try:
        conn.starttls(ssl_context=ssl.create_default_context(cafile=imap_server.ca_file))
        typ, _ = conn.login(imap_server.new_user(), imap_server.password)
        assert typ == "OK"
    finally:
        conn.logout()


def test_imaps_without_the_ca_fails_verification(imap_server: "ImapServer") -> None:
    context = ssl.create_default_context()  # system CAs only: the self-signed cert is unknown
    with socket.create_connection((imap_server.host, imap_server.tls_port), timeout=10) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            context.wrap_socket(raw, server_hostname=imap_server.host)


def test_appended_messages_get_uids_and_their_headers_come_back(imap_server: "ImapServer") -> None:
    user = imap_server.new_user()
    uids = [imap_server.append(user, "INBOX", message(n, f"Inbox {n}")) for n in (1, 2, 3)]
    sent_date = datetime(2026, 11, 20, 17, 30, tzinfo=timezone.utc)
    sent_uid = imap_server.append(user, "Sent", message(4, "Sent 4"), flags="\\Seen", date=sent_date)
    assert uids == [1, 2, 3]
    assert sent_uid == 1

    conn = imap_server.connect(user)
    try:
        inbox = uid_fetch_headers(conn, "INBOX")
        sent = uid_fetch_headers(conn, "Sent")
        typ, data = conn.uid("FETCH", "1", "(FLAGS INTERNALDATE)")
        assert typ == "OK"
        assert b"\\Seen" in data[0]
        assert b'"20-Nov-2026 17:30:00 +0000"' in data[0]
        typ, listed = conn.list('""', '"Sent"')
        assert typ == "OK"
        assert b"\\Sent" in listed[0] and b'"/"' in listed[0]  # special-use flag, separator
    finally:
        conn.logout()

    parser = BytesHeaderParser()
    assert sorted(inbox) == [1, 2, 3]
    assert [parser.parsebytes(inbox[uid])["Subject"] for uid in (1, 2, 3)] == ["Inbox 1", "Inbox 2", "Inbox 3"]
    assert [parser.parsebytes(inbox[uid])["Message-ID"] for uid in (1, 2, 3)] == [
        "<m1@example.test>", "<m2@example.test>", "<m3@example.test>"
    ]
    assert list(sent) == [1]
    assert parser.parsebytes(sent[1])["Subject"] == "Sent 4"
    assert b"Body of message" not in sent[1]  # headers only


def test_a_wrong_password_is_refused(imap_server: "ImapServer") -> None:
    conn = imaplib.IMAP4(imap_server.host, imap_server.port, timeout=10)
    try:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            conn.login(imap_server.new_user(), "not-" + imap_server.password)
    finally:
        conn.shutdown()


def test_uidvalidity_changes_when_a_folder_is_recreated(imap_server: "ImapServer") -> None:
    user = imap_server.new_user()
    imap_server.append(user, "Sent", message(1, "first"))
    before = imap_server.folder_uidvalidity(user, "Sent")
    after = imap_server.recreate_folder(user, "Sent")
    assert after != before
    assert imap_server.folder_uidvalidity(user, "Sent") == after
    assert imap_server.append(user, "Sent", message(2, "again")) == 1  # empty again, UIDs restart

    imap_server.append(user, "INBOX", message(3, "kept"))
    imap_server.set_uidvalidity(user, "INBOX", 4242)
    assert imap_server.folder_uidvalidity(user, "INBOX") == 4242
    conn = imap_server.connect(user)
    try:
        assert list(uid_fetch_headers(conn, "INBOX")) == [1]  # messages kept
    finally:
        conn.logout()
