"""The one sender of tools/scripts/flood.sh: timestamps as fast as it can, for SECONDS seconds.

    python3 flood_sender.py PORT SECONDS

Connects to 127.0.0.1:PORT and sends `YYYY-MM-DD HH:MM:SS\n` lines (the time protocol), 3,276 of
them (64 KiB) per sendall, the clock read once per batch, until SECONDS have passed; then closes
and prints how many timestamps it sent. Every send has a 10 s timeout: a server that stops
reading ends the run with an error, never a hang.
"""
import socket
import sys
import time
from datetime import datetime

port, seconds = int(sys.argv[1]), float(sys.argv[2])
BATCH = 3276
client = socket.create_connection(("127.0.0.1", port), timeout=10)
end = time.monotonic() + seconds
sent = 0
while time.monotonic() < end:
    line = (datetime.now().strftime("%Y-%m-%d %H:%M:%S") + "\n").encode()
    client.sendall(line * BATCH)
    sent += BATCH
client.close()
print(sent)
