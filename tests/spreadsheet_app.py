"""LibreOffice Calc, headless, as the spreadsheet that opens a CSV file and saves it again.

`find()` returns a `Calc` for the installed `soffice` (or `libreoffice`), or
raises `CalcUnavailable` saying how to install it (`bash tests/ensure-servers.sh`
does: package `libreoffice-calc-nogui`). `Calc.resave(sources, out_dir, profile,
opened_as=...)` opens each file the way `opened_as` says and saves it as CSV under
`out_dir`, all in one run of `soffice --headless --convert-to` (starting it takes
a few seconds), with its own user profile directory (so runs never share or touch
a real profile) and a time limit.

The ways of opening (`OPENED_AS`: the import options, and the export options of the save):
  - "headless": plain `--convert-to csv`, no options either way: comma-separated,
    formulas evaluated, "Detect special numbers" off, and an 8-bit character set in
    and out (Windows-1252 on a C.UTF-8 system; a BOM is not recognised, it becomes
    part of the first cell), which leaves UTF-8 text as it was only because both
    directions agree.
  - "dialog": what the Text Import dialog offers in a new profile (LibreOffice 7.4,
    officecfg Office.Calc/Dialogs/CSVImport), as a double-click shows it: comma,
    semicolon and tab as separators, formulas not evaluated, special numbers off;
    the character set chosen as UTF-8.
  - "special": UTF-8, comma only, "Detect special numbers" and "Evaluate formulas" on:
    the most eager typing Calc offers, as close as it gets to Excel's double-click open.
The last two save as UTF-8, comma, `"` quotes (`44,34,76,1`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

CSV_FILTER = "Text - txt - csv (StarCalc)"
SAVE_AS_UTF8_CSV = f"csv:{CSV_FILTER}:44,34,76,1"
# Import tokens: separators, text delimiter, character set (76: UTF-8), first line, column
# formats, language, quoted field as text, detect special numbers, (3 export-only),
# (export sheets), evaluate formulas.
OPENED_AS = {
    "headless": (None, "csv"),
    "dialog": (f"{CSV_FILTER}:44/59/9,34,76,1,,0,false,false,false,false,false,false,false", SAVE_AS_UTF8_CSV),
    "special": (f"{CSV_FILTER}:44,34,76,1,,0,false,true,false,false,false,false,true", SAVE_AS_UTF8_CSV),
}
TIMEOUT = 120  # seconds; a run takes a few


class CalcUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Calc:
    binary: str

    def resave(self, sources: list[Path], out_dir: Path, profile: Path, opened_as: str = "headless") -> list[Path]:
        """Each file of `sources` opened as `opened_as` says and saved as CSV, in one run of soffice:
        the paths of the saved files (same names, in `out_dir`)."""
        command = [self.binary, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore"]
        infilter, save_as = OPENED_AS[opened_as]
        if infilter is not None:
            command.append(f"--infilter={infilter}")
        command += ["--convert-to", save_as, "--outdir", str(out_dir), *map(str, sources)]
        out_dir.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env={**os.environ, "HOME": str(profile.parent)})
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # soffice starts soffice.bin in the same session
            process.communicate()
            raise AssertionError(f"soffice did not finish within {TIMEOUT} s: {command}") from None
        saved = [out_dir / (src.stem + ".csv") for src in sources]
        missing = [str(path) for path in saved if not path.exists()]
        if process.returncode != 0 or missing:
            raise AssertionError(f"soffice exited {process.returncode}, not writing {missing}:\n"
                                 f"{stdout.decode(errors='replace')}{stderr.decode(errors='replace')}")
        return saved


def find() -> Calc:
    """The installed LibreOffice, or CalcUnavailable."""
    for name in ("soffice", "libreoffice"):
        binary = shutil.which(name)
        if binary:
            return Calc(binary)
    raise CalcUnavailable("no soffice or libreoffice binary (apt-get install libreoffice-calc-nogui); "
                          "run `bash tests/ensure-servers.sh`")
