"""Long computations release the GIL: a Python thread keeps running while
qmf.phase computes."""
import threading
import time

import numpy as np

import qmf


def test_a_python_thread_runs_during_a_long_phase_call():
    count = 0
    stop = threading.Event()

    def counter():
        nonlocal count
        while not stop.is_set():
            count += 1

    thread = threading.Thread(target=counter)
    start = time.perf_counter()
    thread.start()
    try:
        # tanh: quadrature at every point, ~1 s on one thread.
        qmf.phase("tanh", np.linspace(0.5, 3, 12), np.linspace(0, 0.5, 8), threads=1)
    finally:
        stop.set()
        thread.join()
    seconds = time.perf_counter() - start
    # Were the GIL held, the counter could only run before and after the call
    # (microseconds: a few hundred counts). A free thread counts millions per
    # second even on a loaded machine; 1e4 per second lies far from both.
    assert count > 1e4 * seconds, (count, seconds)
