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
    thread.start()
    try:
        # The counter's own rate, while this thread sleeps (and so lets it run).
        start, before = time.perf_counter(), count
        time.sleep(0.2)
        rate = (count - before) / (time.perf_counter() - start)
        # lloyd:128: a Plackett kernel of 127^2 threshold pairs for c* at every point,
        # ~3 ms each, ~0.6 s on one thread (tanh, hard-tanh and then elu became too
        # fast to tell; the assertion below says so if this does too).
        start, before = time.perf_counter(), count
        qmf.phase("lloyd:128", np.linspace(0.5, 3, 14), np.linspace(0, 0.5, 14), threads=1)
        seconds, counted = time.perf_counter() - start, count - before
    finally:
        stop.set()
        thread.join()
    # Were the GIL held, the counter could only run in the switch intervals
    # (5 ms) around the call: a few per cent of its rate over a call this long.
    # Released, it keeps most of its rate (it shares two cores with the call).
    assert seconds > 0.2, "the call is too short to tell"
    assert counted > 0.25 * rate * seconds, (counted, rate, seconds)
