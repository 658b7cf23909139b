"""One key at a time, without Enter, from a file descriptor: the input of `fup review`.

`Keys(fd, out)` is a context manager. On a terminal it turns off line
editing and echo (ICANON, ECHO) on entry, keeping signals (Ctrl-C still
raises KeyboardInterrupt, Ctrl-Z still suspends) and output processing, and
puts the saved settings back on exit, whatever ends the block: a return, an
exception, KeyboardInterrupt, SIGTERM (turned into SystemExit(143) while the
block runs, so it ends through the same door). On anything else (a pipe, as the tests give it)
it changes nothing and reads the bytes as they come, so a script of keys
drives the same code.

`read_key()` returns one typed character ("s", "é"), or one of the names
below for the keys that are not text (ENTER, ESC, BACKSPACE, KILL_LINE,
EOF, OTHER: an arrow or function key's escape sequence, read whole, or a
control character). Ctrl-C read as a byte (no signals on a pipe) raises
KeyboardInterrupt, as the signal does on a terminal; Ctrl-D is EOF.
`read_line(prompt, default)` reads a line with the little editing a prompt
needs (backspace, Ctrl-U), echoing what is typed to `out`: Enter gives the
text (or the default), Esc cancels (None), Ctrl-D on an empty line raises
`Quit`. Only the standard library: termios and select, no prompt_toolkit
(which costs a start a fifth of a second).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import TextIO

ENTER, ESC, BACKSPACE, KILL_LINE, EOF, OTHER = "ENTER", "ESC", "BACKSPACE", "KILL_LINE", "EOF", "OTHER"
ESCAPE_WAIT = 0.05  # seconds to wait after Esc for the rest of an arrow key's sequence
MAX_SEQUENCE = 32  # bytes of an escape sequence read at most (a longer one is not a key)
MAX_LINE = 1000  # characters a prompt takes


class Quit(Exception):
    """The input ended (Ctrl-D, or the end of a pipe) where something was asked."""


class Keys:
    """Single keys and short lines from `fd`; see the module docstring."""

    def __init__(self, fd: int, out: TextIO):
        self.fd = fd
        self.out = out
        self.is_tty = os.isatty(fd)
        self._saved: list | None = None
        self._on_term: object = None  # the SIGTERM handler before ours, while ours is set
        self._pushed = b""

    # --- the terminal's mode -------------------------------------------------------

    def __enter__(self) -> Keys:
        if self.is_tty:
            import termios

            self._saved = termios.tcgetattr(self.fd)
            mode = termios.tcgetattr(self.fd)
            mode[3] &= ~(termios.ICANON | termios.ECHO)  # lflag: keys at once, not echoed; ISIG kept
            mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
            termios.tcsetattr(self.fd, termios.TCSAFLUSH, mode)  # (keys typed before the first row are dropped)
            self._catch_sigterm()
        return self

    def _catch_sigterm(self) -> None:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():  # (only the main thread may set handlers)
            self._on_term = signal.signal(signal.SIGTERM, _terminated)

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def restore(self) -> None:
        """Put the terminal back as it was (once; harmless when nothing was changed)."""
        saved, self._saved = self._saved, None
        if self._on_term is not None:
            import signal

            signal.signal(signal.SIGTERM, self._on_term)
            self._on_term = None
        if saved is not None:
            import termios

            try:
                termios.tcsetattr(self.fd, termios.TCSADRAIN, saved)
            except termios.error:  # the terminal went away (a closed window): nothing to restore
                pass

    # --- keys --------------------------------------------------------------------

    def _byte(self) -> bytes:
        if self._pushed:
            byte, self._pushed = self._pushed[:1], self._pushed[1:]
            return byte
        return os.read(self.fd, 1)

    def _ready(self, timeout: float) -> bool:
        import select

        return bool(self._pushed) or bool(select.select([self.fd], [], [], timeout)[0])

    def read_key(self) -> str:
        """The next key: a character, or ENTER, ESC, BACKSPACE, KILL_LINE, EOF or OTHER."""
        byte = self._byte()
        if not byte:
            return EOF
        code = byte[0]
        if code == 0x03:  # Ctrl-C as a byte (a pipe, or a terminal without signals)
            raise KeyboardInterrupt
        if code == 0x04:
            return EOF
        if code in (0x0A, 0x0D):
            return ENTER
        if code in (0x7F, 0x08):
            return BACKSPACE
        if code == 0x15:
            return KILL_LINE
        if code == 0x1B:
            return self._escape()
        if code < 0x20:
            return OTHER
        if code < 0x80:
            return chr(code)
        return self._utf8(byte)

    def _escape(self) -> str:
        """Esc alone, or an escape sequence (an arrow key: ESC [ A) read whole as OTHER."""
        if not self._ready(ESCAPE_WAIT if self.is_tty else 0):
            return ESC
        second = self._byte()
        if second not in (b"[", b"O"):
            self._pushed = second + self._pushed  # (Esc, then a key of its own)
            return ESC
        for _ in range(MAX_SEQUENCE):  # CSI: parameters and intermediates, then a final byte @ to ~
            if not self._ready(ESCAPE_WAIT if self.is_tty else 0):
                break
            byte = self._byte()
            if not byte or second == b"O" or 0x40 <= byte[0] <= 0x7E:
                break
        return OTHER

    def _utf8(self, lead: bytes) -> str:
        code = lead[0]
        length = 2 if 0xC0 <= code < 0xE0 else 3 if 0xE0 <= code < 0xF0 else 4 if 0xF0 <= code < 0xF8 else 0
        if not length:
            return OTHER
        data = lead
        while len(data) < length:
            byte = self._byte()
            if not byte:
                return OTHER
            data += byte
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return OTHER

    # --- lines ---------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def read_line(self, prompt: str, default: str | None = None) -> str | None:
        """A line typed after `prompt` (shown with `[default]` when there is one): the text, the
        default for an empty line, None for Esc (or an empty line without a default)."""
        self.say(f"{prompt} [{default}] " if default else f"{prompt} ")
        typed: list[str] = []
        while True:
            key = self.read_key()
            if key == ENTER or (key == EOF and typed):
                self.say("\n")
                text = "".join(typed).strip()
                return text or default or None
            if key == EOF:
                self.say("\n")
                raise Quit
            if key == ESC:
                self.say("\n")
                return None
            if key == BACKSPACE and typed:
                self.say("\b \b" * _columns(typed.pop()))
            elif key == KILL_LINE and typed:
                self.say("\b \b" * sum(map(_columns, typed)))
                typed.clear()
            elif len(key) == 1 and key.isprintable() and len(typed) < MAX_LINE:
                typed.append(key)
                self.say(key)

    def confirm(self, question: str) -> bool:
        """`question [y/N]`, answered by one key: y says yes, any other key no."""
        self.say(f"{question} [y/N] ")
        key = self.read_key()
        if key == EOF:
            self.say("\n")
            raise Quit
        self.say((key if len(key) == 1 and key.isprintable() else "") + "\n")
        return key in ("y", "Y")


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM while the terminal is ours: leave through `Keys.__exit__`, which puts it back."""
    raise SystemExit(128 + signum)


def _columns(ch: str) -> int:
    """Columns a typed character takes on the terminal (an East Asian wide one: two)."""
    if ch.isascii():
        return 1
    from unicodedata import east_asian_width

    return 2 if east_asian_width(ch) in ("W", "F") else 1
