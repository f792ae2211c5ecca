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


# The youngest generation's size before the collector runs (Python's default
# is 700): a page that makes a hundred thousand objects otherwise starts the
# collector over a hundred times, and each older collection walks all the
# objects that the request keeps until it ends.
YOUNG_THRESHOLD = 50_000


def settle_after_start() -> None:
    """For a long-running process, once its code is loaded (the web server's
    WSGI application, the worker): put every object made so far (modules,
    classes, templates, settings: some 200 000) beyond the collector's reach
    with `gc.freeze()`, since none of them is garbage, and let the youngest
    generation grow to YOUNG_THRESHOLD objects before it is collected. A
    collection then walks only what the requests made. Cycles are still
    collected; docs/prestanda.md has the measurement."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
