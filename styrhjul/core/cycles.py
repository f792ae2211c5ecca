"""Python's collector of reference cycles, paused while much is made at once.

The collector goes through every object made so far each time enough new
ones have been made. Work that makes tens of thousands of objects none of
which are in a cycle (the cells of an Excel export, the period balances of a
SIE file) pays for that again and again: a sixth of an export's time, a
fifth of reading a large SIE file. Reference counting still frees what such
work drops; only cycles wait until the collector runs again."""

import contextlib
import gc
import threading

_lock = threading.Lock()
_pauses = 0  # pauses under way in this process, in any thread
_resume = False  # whether the collector ran before the first of them


@contextlib.contextmanager
def collection_paused():
    """Pause the collector for the block (or the decorated function) and
    start it again when the last block under way in the process ends, if it
    ran before the first began. Counted under a lock: the collector is one
    per process, and the server runs requests in threads."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
