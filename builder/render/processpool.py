"""The render and parse workers' process pool, whose workers never see Ctrl-C
(``builder.support.interrupts``)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import ParamSpec, TypeVar

from builder.support.interrupts import interrupts_held

_P = ParamSpec("_P")
_T = TypeVar("_T")


class QuietProcessPool(ProcessPoolExecutor):
    """``ProcessPoolExecutor`` whose workers hold SIGINT back from their first instruction
    (an ``initializer`` would leave their start-up to it)."""

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs
               ) -> Future[_T]:
        with interrupts_held():  # a worker is started by the submit that needs it
            return super().submit(fn, *args, **kwargs)
