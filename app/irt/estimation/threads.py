"""BLAS threads: one per thread of ours.

The E-step and the observed information split persons into blocks and run them in our own
threads (numpy and scipy release the GIL). Letting OpenBLAS start its own threads inside each
of them oversubscribes the cores, and on a busy machine OpenBLAS's spinning threads make a Gram
product 10–40 times slower (measured: 0.24 s against 10.8 s for ten 20,000 × 100 products on
2 loaded cores). So BLAS runs single-threaded while our threads do the parallel work. The limit
uses threadpoolctl, which finds the BLAS numpy actually loaded; without it nothing changes.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext


def single_threaded_blas() -> AbstractContextManager[object]:
    """A context in which BLAS (OpenBLAS, MKL, BLIS) uses one thread."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; keep working without it
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
