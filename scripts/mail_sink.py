"""A local SMTP sink for the demo: every message the portal sends is saved as a .eml file.

Demo only. Production points `smtp.server` at the department's real relay.
"""
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class SaveToFolder:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted"


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "var/mail")
    controller = Controller(SaveToFolder(folder), hostname="127.0.0.1", port=8025)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
