"""`fup sync mail --imap` against a real Dovecot on 127.0.0.1 (tests/imapserver.py).

Each test gets a fresh mailbox user; the fixtures of tests/fixtures/mail go into INBOX,
Sent and Archive by the manifest's `folder`, through IMAP APPEND, so UIDs and
UIDVALIDITY are the server's own.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

import mailtrees

ME = ("ana@acme.example", "ana.ruiz@acme.example")
CAST = {"chloe.martin@globex.example": "Chloe Martin", "ben@initech.example": "Ben Okafor",
        "dana.lee@umbrella.example": "Dana Lee"}


@pytest.fixture
def mailbox_user(imap_server):
    user = imap_server.new_user("ana")
    for entry in mailtrees.manifest():
        imap_server.append(user, entry["folder"], mailtrees.load(entry["file"]))
    return user


@pytest.fixture
def ana(fup):
    (fup.home / "config.toml").write_text(f"me = {json.dumps(list(ME))}\n", encoding="utf-8")
    fup.at("2026-11-02T08:00")
    for email, name in CAST.items():
        fup.ok("add", name, "--email", email, "--no-meeting")
    fup.ok("edit", "ben", "--email2", "ben.okafor@gmail.example")
    fup.at("2026-11-30T09:00")
    return fup


def _url(server, user: str, folder: str, tls: bool = False) -> str:
    scheme, port = ("imaps", server.tls_port) if tls else ("imap", server.port)
    return f"{scheme}://{quote(user, safe='')}@{server.host}:{port}/{quote(folder)}"


def _folders(server, user: str, tls: bool = False) -> list[str]:
    args = []
    for folder in ("INBOX", "Sent", "Archive"):
        args += ["--imap", _url(server, user, folder, tls)]
    return args + ([] if tls else ["--insecure"])


def test_inbox_sent_and_archive_are_logged_once_and_the_next_sync_reads_only_what_is_new(
        ana, imap_server, mailbox_user) -> None:
    env = {"FUP_IMAP_PASSWORD": imap_server.password}
    data = ana.json("sync", "mail", *_folders(imap_server, mailbox_user), "-f", "json", env=env)
    assert data["read"] == len(mailtrees.manifest())
    mail_touches = ana.json("export", "touches", "-f", "json")
    maildir_home_count = len({(t["contact_id"], t["at"]) for t in mail_touches})
    assert len(data["logged"]) == len(mail_touches) == maildir_home_count > 10
    again = ana.json("sync", "mail", *_folders(imap_server, mailbox_user), "-f", "json", env=env)
    assert again["read"] == 0 and again["logged"] == []
    imap_server.append(mailbox_user, "INBOX", b"From: Dana Lee <dana.lee@umbrella.example>\r\nTo: ana@acme.example\r\n"
                       b"Subject: Re: pilot\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <late@umbrella>\r\n\r\nok\r\n")
    late = ana.json("sync", "mail", *_folders(imap_server, mailbox_user), "-f", "json", env=env)
    assert late["read"] == 1 and [(t["name"], t["direction"]) for t in late["logged"]] == [("Dana Lee", "in")]


def test_a_new_uidvalidity_reads_the_folder_again_and_logs_nothing_twice(ana, imap_server, mailbox_user) -> None:
    env = {"FUP_IMAP_PASSWORD": imap_server.password}
    args = ["--imap", _url(imap_server, mailbox_user, "Sent"), "--insecure"]
    first = ana.json("sync", "mail", *args, "-f", "json", env=env)
    imap_server.recreate_folder(mailbox_user, "Sent")
    for entry in mailtrees.manifest():
        if entry["folder"] == "Sent":
            imap_server.append(mailbox_user, "Sent", mailtrees.load(entry["file"]))
    second = ana.json("sync", "mail", *args, "-f", "json", env=env)
    assert second["read"] == first["read"] > 0
    assert second["logged"] == [] and second["counts"]["already"] == len(first["logged"])


def test_tls_is_verified(ana, imap_server, mailbox_user) -> None:
    env = {"FUP_IMAP_PASSWORD": imap_server.password, "SSL_CERT_FILE": imap_server.ca_file}
    data = ana.json("sync", "mail", "--imap", _url(imap_server, mailbox_user, "INBOX", tls=True), "-f", "json", env=env)
    assert data["read"] > 0
    untrusted = ana("sync", "mail", "--imap", _url(imap_server, mailbox_user, "Sent", tls=True),
                    env={"FUP_IMAP_PASSWORD": imap_server.password, "SSL_CERT_FILE": None})
    assert untrusted.exit_code == 1 and "certificate is not trusted" in untrusted.stderr
    assert len(untrusted.stderr.strip().splitlines()) == 1


def test_a_wrong_password_is_one_line_without_the_password(ana, imap_server, mailbox_user) -> None:
    before = ana.dump()
    result = ana("sync", "mail", "--imap", _url(imap_server, mailbox_user, "INBOX"), "--insecure",
                 env={"FUP_IMAP_PASSWORD": "hunter2-wrong"})
    assert result.exit_code == 1 and "refused the login" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    assert ana.dump() == before


def test_the_password_comes_from_netrc_or_a_password_command(ana, imap_server, mailbox_user, tmp_path) -> None:
    home = tmp_path / "userhome"
    home.mkdir()
    netrc = home / ".netrc"
    netrc.write_text(f"machine {imap_server.host} login {mailbox_user} password {imap_server.password}\n")
    netrc.chmod(0o600)
    url = _url(imap_server, mailbox_user, "INBOX")
    data = ana.json("sync", "mail", "--imap", url, "--insecure", "-f", "json", env={"HOME": str(home), "FUP_IMAP_PASSWORD": None})
    assert data["read"] > 0
    netrc.unlink()
    (ana.home / "config.toml").write_text(
        f"me = {json.dumps(list(ME))}\n[mail]\npassword_command = \"echo {imap_server.password}\"\n", encoding="utf-8")
    imap_server.append(mailbox_user, "INBOX", mailtrees.load("04-thunderbird-q-subject-dana.eml"))
    data = ana.json("sync", "mail", "--imap", url, "--insecure", "-f", "json", env={"HOME": str(home), "FUP_IMAP_PASSWORD": None})
    assert data["read"] == 1
    (ana.home / "config.toml").write_text(f"me = {json.dumps(list(ME))}\n", encoding="utf-8")
    result = ana("sync", "mail", "--imap", url, "--insecure", env={"HOME": str(home), "FUP_IMAP_PASSWORD": None})
    assert result.exit_code == 2 and "no password for" in result.stderr


def test_a_server_that_is_not_there_and_a_folder_that_is_not_there(ana, imap_server, mailbox_user) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"FUP_IMAP_PASSWORD": imap_server.password}
    result = ana("sync", "mail", "--imap", f"imap://ana@127.0.0.1:{port}/INBOX", "--insecure", env=env)
    assert result.exit_code == 1 and "cannot reach the server" in result.stderr
    result = ana("sync", "mail", "--imap", _url(imap_server, mailbox_user, "No Such Folder"), "--insecure", env=env)
    assert result.exit_code == 1 and "no folder 'No Such Folder'" in result.stderr


def test_headers_only_and_messages_stay_unread(ana, imap_server) -> None:
    user = imap_server.new_user("peek")
    imap_server.append(user, "INBOX", mailtrees.load("02-outlook-desktop-reply-chloe.eml"), flags="")
    ana.ok("sync", "mail", "--imap", _url(imap_server, user, "INBOX"), "--insecure",
           env={"FUP_IMAP_PASSWORD": imap_server.password})
    conn = imap_server.connect(user)
    try:
        conn.select("INBOX", readonly=True)
        _typ, data = conn.uid("FETCH", "1:*", "(FLAGS)")
        assert b"\\Seen" not in data[0]
    finally:
        conn.logout()
