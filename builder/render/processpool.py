"""The render and parse workers' process pool, whose workers never see Ctrl-C
(``builder.support.interrupts``) and end with the build (``builder.support.parentwatch``)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from builder.support.interrupts import interrupts_held, stops_deferred
from builder.support.parentwatch import end_with_parent

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

_P = ParamSpec("_P")
_T = TypeVar("_T")


class QuietProcessPool(ProcessPoolExecutor):
    """``ProcessPoolExecutor`` whose workers hold SIGINT back from their first instruction
    (an ``initializer`` would leave their start-up to it), and end when the build is gone
    however it ended (their ``initializer``)."""

    def __init__(self, max_workers: int, mp_context: BaseContext) -> None:
        super().__init__(max_workers, mp_context, initializer=end_with_parent)

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs
               ) -> Future[_T]:
        # A worker is started by the submit that needs it, and its manager thread by the
        # first: a stop waits for them to have started (``stops_deferred``).
        with stops_deferred(), interrupts_held():
            return super().submit(fn, *args, **kwargs)
