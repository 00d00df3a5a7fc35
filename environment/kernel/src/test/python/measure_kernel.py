"""Measures the installed kernel: start time and trivial-cell round trip (medians).

    PEERKIT_KERNEL_NAME=java /usr/bin/python3 measure_kernel.py [starts=5] [cells=20]

Start time is jupyter_client's start_new_kernel() until the kernel_info handshake completes;
round trip is execute("1 + 1") until the execute_reply arrives (after a warm-up cell).
"""
import os
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

name = os.environ.get("PEERKIT_KERNEL_NAME", "java")
starts = int(sys.argv[1]) if len(sys.argv) > 1 else 5
cells = int(sys.argv[2]) if len(sys.argv) > 2 else 20

start_times, trips = [], []
for i in range(starts):
    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=name)
    start_times.append(time.perf_counter() - t0)
    try:
        if i == 0:
            kc.execute_interactive("1 + 1", timeout=60, output_hook=lambda msg: None)  # warm-up
            for _ in range(cells):
                t0 = time.perf_counter()
                reply = kc.execute_interactive("1 + 1", timeout=60, output_hook=lambda msg: None)
                trips.append(time.perf_counter() - t0)
                assert reply["content"]["status"] == "ok", reply
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        del km, kc  # before interpreter exit, where jupyter_client's __del__ logs noise

print("kernel %s: start median %.2f s (min %.2f, max %.2f, n=%d); trivial cell round trip median %.0f ms "
      "(min %.0f, max %.0f, n=%d)" % (
          name, statistics.median(start_times), min(start_times), max(start_times), len(start_times),
          1000 * statistics.median(trips), 1000 * min(trips), 1000 * max(trips), len(trips)))
