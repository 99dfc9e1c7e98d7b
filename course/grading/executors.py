"""Where submissions are graded: a local pool (default) or a Dask cluster.

Both run the same :func:`course.grading.worker.grade_task` and yield
``(item, result, error)`` as results arrive, in completion order; ``error``
is an infrastructure failure (a Dask worker lost, a bug in the grader), in
which case nothing is stored and the next run grades the item again.

- :class:`LocalPool`: ``workers`` slots; each slot is a thread of this
  process supervising one grading process at a time (forked from the warm
  forkserver, see ``worker.py``), so at most ``workers`` submissions are
  graded at once, each in its own process.
- :class:`DaskPool`: ``distributed.Client(address)``; tasks carry the
  submission's bytes (workers need no shared file system, only this package
  with ``solutions`` installed) and are kept a few per worker thread in
  flight, so a class of any size does not sit in the scheduler's memory.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, as_completed

from .worker import grade_task


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        return os.cpu_count() or 1


class LocalPool:
    def __init__(self, workers=None):
        self.workers = max(1, int(workers or default_workers()))
        self.label = f"local pool, {self.workers} worker{'s' * (self.workers != 1)}"

    def run(self, items, make_task, run_id=""):
        with ThreadPoolExecutor(self.workers, thread_name_prefix="grade") as ex:
            futs = {ex.submit(lambda it=it: grade_task(make_task(it))): it for it in items}
            try:
                for fut in as_completed(futs):
                    try:
                        yield futs[fut], fut.result(), None
                    except Exception as exc:  # noqa: BLE001 - an infrastructure failure
                        yield futs[fut], None, exc
            finally:
                for f in futs:
                    f.cancel()


class DaskPool:
    def __init__(self, address, connect_timeout="20s"):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - the instructor extra is missing
            raise RuntimeError("--scheduler needs dask.distributed: "
                               "pip install 'dltheory-course[instructor]'") from exc
        self.client = Client(address, timeout=connect_timeout)
        info = self.client.scheduler_info()
        self.threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or 1
        self.label = f"dask cluster {address}, {len(info.get('workers', {}))} workers, {self.threads} threads"

    def close(self):
        self.client.close()

    def run(self, items, make_task, run_id=""):
        from distributed import as_completed as dask_completed

        pending = list(items)
        window = max(2, 2 * self.threads)
        owner = {}
        unsent = []          # (item, error): the submission could not be read (e.g. now a link)

        def submit():
            while pending:
                it = pending.pop(0)
                try:
                    task = make_task(it)
                except Exception as exc:  # noqa: BLE001 - reported as this item's error
                    unsent.append((it, exc))
                    continue
                key = f"course-grade-{run_id}-{task['student']}-{task['sha256'][:16]}"
                # a GPU task goes only to workers that declare a GPU (dask-worker --resources GPU=1)
                extra = {"resources": {"GPU": 1}} if task.get("device") == "cuda" else {}
                fut = self.client.submit(grade_task, task, key=key, pure=False, **extra)
                owner[fut.key] = it
                return fut
            return None

        first = [f for f in (submit() for _ in range(min(window, len(pending)))) if f is not None]
        while unsent:
            it, exc = unsent.pop(0)
            yield it, None, exc
        ac = dask_completed(first)
        for fut in ac:
            it = owner.pop(fut.key)
            try:
                yield it, fut.result(), None
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker
                yield it, None, exc
            finally:
                fut.release()
            nxt = submit() if pending else None
            if nxt is not None:
                ac.add(nxt)
            while unsent:
                it, exc = unsent.pop(0)
                yield it, None, exc
