"""Ctrl+C during training: deferred to the end of the current mini-batch.

A training step updates the parameters in place; stopping in the middle of one would
leave them half updated. :class:`DeferredInterrupt` records Ctrl+C and lets the loop
stop between two steps; the books of an epoch and the publication of a fit are
written inside :meth:`DeferredInterrupt.critical`, which even a second Ctrl+C does
not cut short.
"""

import signal
import threading
from contextlib import contextmanager


class DeferredInterrupt:
    """Defers Ctrl+C (SIGINT) to the end of the current mini-batch, within a ``with``.

    In the main thread, while SIGINT has Python's default handler, a handler that
    only records the signal is installed; the training loop checks
    :attr:`requested` after each update and stops there, so no update is ever half
    applied. A second Ctrl+C interrupts at once, except inside :meth:`critical`
    (bookkeeping that must be written whole), which it leaves first. Elsewhere (other
    threads, a custom handler) SIGINT behaves as usual. Leaving the ``with`` block
    puts the handler back.
    """

    def __enter__(self):
        self.presses = 0
        self._critical = self._pending = False
        self._previous = None
        in_main_thread = threading.current_thread() is threading.main_thread()
        if in_main_thread and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._previous = signal.signal(signal.SIGINT, self._record)
        return self

    @property
    def requested(self):
        """Whether Ctrl+C was pressed."""
        return self.presses > 0

    def _record(self, signum, frame):
        self.presses += 1
        if self.presses > 1:
            if not self._critical:
                raise KeyboardInterrupt
            self._pending = True

    @contextmanager
    def critical(self):
        """A block that a second Ctrl+C does not cut short: it takes effect after it."""
        self._critical = True
        try:
            yield
        finally:
            self._critical = False
        if self._pending:
            self._pending = False
            raise KeyboardInterrupt

    def __exit__(self, *exc_info):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
