"""A real SMTP server for Natter's tests (aiosmtpd): every message it accepts
is written to DIR as <n>.eml (first to a temporary name, then renamed, so a
file that appears is complete) before the server answers 250.

usage: sink.py DIR PORTFILE [DELAY_MS]   (DELAY_MS: wait before each 250)
"""
import asyncio
import itertools
import os
import sys
import time

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory, delay):
        self.directory = directory
        self.delay = delay
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        n = next(self.counter)
        name = os.path.join(self.directory, f"{time.time_ns()}-{n:06d}.eml")
        tmp = os.path.join(self.directory, f".{n}.tmp")
        with open(tmp, "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, name)
        return "250 OK"


async def serve(directory, portfile, delay):
    handler = Sink(directory, delay)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(portfile + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(portfile + ".tmp", portfile)
    await server.serve_forever()


def main():
    directory, portfile = sys.argv[1], sys.argv[2]
    delay = int(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0
    asyncio.run(serve(directory, portfile, delay))


if __name__ == "__main__":
    main()
