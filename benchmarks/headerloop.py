"""The floor for `fup sync mail --maildir DIR`: the standard library parsing the headers of the same messages.

Usage: python headerloop.py DIR

For every file in DIR/cur and DIR/new, and in cur/ and new/ of each Maildir++
folder of DIR (`.Sent`, ...), in no particular order: open it in binary and parse
it with `email.parser.BytesHeaderParser`. Nothing else: no addresses, no dates,
no database. Prints how many messages it parsed.
"""

import os
import sys
from email.parser import BytesHeaderParser


def folders(root: str) -> list[str]:
    found = [root]
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.name.startswith(".") and entry.is_dir() and os.path.isdir(os.path.join(entry.path, "cur")):
            found.append(entry.path)
    return found


def main(root: str) -> int:
    parser = BytesHeaderParser()
    count = 0
    for folder in folders(root):
        for sub in ("cur", "new"):
            try:
                entries = os.scandir(os.path.join(folder, sub))
            except FileNotFoundError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                with open(entry.path, "rb") as handle:
                    parser.parse(handle)
                count += 1
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
