"""Extraction at scale: streamed, cached per article, on processes or a Dask cluster.

Articles flow through in batches; nothing holds the whole corpus. Each
article's figures are cached under a key made of its text's hash, its
publication date (relative dates depend on it) and the extractor version,
which includes digests of the extractor's code and of the rules, so changing
either invalidates the cache. Results come
back in article order whatever the engine, and tables are written in row
groups of a fixed number of rows, so ``--jobs 4`` or ``--engine dask`` write
the same bytes as one process.
"""

from __future__ import annotations

import gc
import hashlib
import json
import pickle
import signal
import sqlite3
import sys
import threading
from collections import deque
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .extract import ExtractOptions, Extractor
from .ingest import content_hash

BATCH_ARTICLES = 256      # articles read, looked up and dispatched together
CHUNK_ARTICLES = 16       # articles per task sent to a worker
IN_FLIGHT = 4             # batches given to the workers before the oldest is waited for
WORKER_CHECK_SECONDS = 0.5  # how often a wait for workers' results looks for a worker that died
ROW_GROUP = 10_000        # most rows per Parquet row group / CSV flush
ROW_GROUP_TEXT = 8_000_000  # most characters of long text per row group: 10,000 whole articles would
                            # hold 50 MB of text in memory (twice, while Arrow converts them)
LONG_TEXT_COLUMNS = ("text", "quote")   # what makes a row big: an article's text, a figure's sentence
# A row group ends at the first row that reaches either limit, counted over the rows in
# order, so where groups fall depends only on the rows, never on how they were batched:
# same bytes every time.


class FigureCache:
    """Per-article core figures in one SQLite file, keyed by text hash, date and extractor version."""

    def __init__(self, folder: Path, version: str) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.version = version
        self.db = sqlite3.connect(folder / "figures-v2.sqlite")   # v2: pickled rows (v1 held JSON)
        self.db.execute("CREATE TABLE IF NOT EXISTS figures (key TEXT PRIMARY KEY, rows BLOB NOT NULL)")

    def key(self, article: dict[str, Any]) -> str:
        """From the article's content hash (ingest stores it), so a warm run never re-hashes text."""
        content = article.get("content_hash") or content_hash(article.get("text") or "")
        return hashlib.sha256(f"{self.version}\0{article.get('published') or ''}\0{content}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            marks = ",".join("?" * len(part))
            for key, rows in self.db.execute(f"SELECT key, rows FROM figures WHERE key IN ({marks})", part):
                found[key] = pickle.loads(rows)
        return found

    def put_many(self, items: list[tuple[str, list[dict]]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO figures (key, rows) VALUES (?, ?)",
                            [(k, pickle.dumps(v, protocol=5)) for k, v in items])
        self.db.commit()

    def close(self) -> None:
        self.db.close()


# One extractor per process and options, built on first use: workers' own, and the
# main process's, which also serves in-process work.
_EXTRACTORS: dict[str, Extractor] = {}


def extractor_for(options: dict) -> Extractor:
    key = json.dumps(options, sort_keys=True)
    if key not in _EXTRACTORS:
        _EXTRACTORS[key] = Extractor(ExtractOptions(**options))
    return _EXTRACTORS[key]


def extract_chunk(chunk: list[tuple[str, Any]], options: dict) -> list[list[dict] | str]:
    """Core figures of (text, published) pairs; an error message instead for an article that fails."""
    extractor = extractor_for(options)
    out: list[list[dict] | str] = []
    for text, published in chunk:
        try:
            out.append(extractor.core_figures(text, published))
        except Exception as exc:  # one article's failure is reported, never fatal
            out.append(f"the extractor failed on it ({type(exc).__name__}: {exc})")
    return out


class WorkerDied(RuntimeError):
    """A worker process ended in the middle of a run: the articles it held are never extracted."""


def _worker_death(exitcode: int | None) -> str:
    """In plain words, how a worker process ended."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        cause = " (most often the out-of-memory killer)" if name == "SIGKILL" else ""
        how = f"was killed by {name}{cause}"
    else:
        how = f"exited with code {exitcode}"
    return f"a worker process {how} in the middle of the run, so its articles were never extracted"


class Engine:
    """Runs chunks in order: in this process, on a process pool, or on Dask."""

    def __init__(self, options: ExtractOptions, jobs: int = 1, engine: str = "local",
                 scheduler: str | None = None) -> None:
        self.options = asdict(options)
        self.jobs = jobs
        self.pool: Any = None
        self.workers: list[Any] = []          # the pool's processes as started: none may end mid-run
        self.client = None
        self.cluster = None
        if engine == "dask":
            from dask.distributed import Client, LocalCluster

            if scheduler:
                self.client = Client(scheduler)
            else:
                self.cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                                            dashboard_address=None)
                self.client = Client(self.cluster)

    @property
    def elsewhere(self) -> bool:
        """Whether chunks run in other processes (a pool or a cluster), not in this one."""
        return self.client is not None or self.jobs > 1

    def submit(self, chunks: list[list[tuple[str, Any]]]) -> Callable[[], list[list[dict] | str]]:
        """Start the chunks; the returned function waits for their results, in order.
        Workers compute queued batches while this process reads and writes others."""
        def flat(results: list[list[list[dict] | str]]) -> list[list[dict] | str]:
            return [item for chunk in results for item in chunk]

        if not chunks:
            return lambda: []
        if self.client is not None:
            futures = self.client.map(extract_chunk, chunks, options=self.options, pure=False)
            return lambda: flat(self.client.gather(futures))
        if self.jobs > 1 and (len(chunks) > 1 or self.pool is not None):
            # Started on first real work, and not for a lone chunk (one new article in a
            # cached corpus): forking workers that load the rules costs more than the work.
            if self.pool is None:
                self.pool = _quiet_pool(self.jobs)
                self.workers = list(getattr(self.pool, "_pool", []))
            pending = self.pool.starmap_async(extract_chunk, [(chunk, self.options) for chunk in chunks])
            return lambda: flat(self._results(pending))
        done = flat([extract_chunk(chunk, self.options) for chunk in chunks])
        return lambda: done

    def _results(self, pending: Any) -> list[list[list[dict] | str]]:
        """A pool's results, or WorkerDied once a worker is found dead. multiprocessing's pool
        replaces a dead worker but never the tasks it held, and waits for them forever; a
        worker killed while idle can also take the task queue's lock with it."""
        from multiprocessing import TimeoutError as NotYet

        while True:
            try:
                return pending.get(timeout=WORKER_CHECK_SECONDS)
            except NotYet:
                dead = [worker for worker in self.workers if worker.exitcode is not None]
                if dead:
                    self.close()
                    raise WorkerDied(_worker_death(dead[0].exitcode)) from None

    def close(self) -> None:
        """Stop the workers. By now every result is in, or the run failed or was interrupted
        and nothing more is wanted, so the pool is terminated, as ``with Pool()`` does, never
        closed: a close waits for every task, and tasks held by workers that died (Ctrl-C
        reaches the workers too) never end."""
        if self.pool is not None:
            _stop(self.pool)
            self.pool = None
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _leave_interrupts_to_the_parent() -> None:
    """In a worker: ignore Ctrl-C, which reaches every process of the terminal's group. The parent
    alone stops the run, and stops its workers; a worker killed by it mid-task would only print
    its own traceback, and one killed while waiting for work would take the task queue's lock."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: Any, wait: float = 2.0) -> None:
    """Terminate a pool, even one whose worker died. A worker that died waiting for work holds
    the task queue's read lock: then every other worker waits for that lock, and so do
    ``close()`` + ``join()`` (the workers never read their stop) and ``terminate()`` (which takes
    the lock itself). So ``terminate()`` runs in a daemon thread; it first tells the pool to stop
    replacing workers, and if it has not finished in ``wait`` seconds the workers are killed
    here. Its threads may then stay blocked for the rest of the process: daemons, holding no
    work. With live workers it finishes in milliseconds."""
    stopping = threading.Thread(target=pool.terminate, name="newsfigures-pool-stop", daemon=True)
    stopping.start()
    stopping.join(wait)
    if stopping.is_alive():
        for worker in list(getattr(pool, "_pool", [])):
            if worker.exitcode is None:
                worker.kill()


def _quiet_pool(jobs: int) -> Any:
    """A fork-started process pool whose worker handler sleeps until a worker exits or the pool
    changes. multiprocessing's own also waits on the result queue, so it wakes, and checks every
    worker, for each result until the result handler has read it: about 0.3 s of CPU per 10,000
    articles, taken from the workers on a machine with as many cores as workers."""
    import multiprocessing
    from multiprocessing.pool import Pool

    class QuietPool(Pool):
        def _get_sentinels(self) -> list[Any]:
            return [self._change_notifier._reader]          # type: ignore[attr-defined]

    pool_class = QuietPool if hasattr(Pool, "_get_sentinels") else Pool
    # What the workers inherit (rules, gazetteer, modules) is kept out of their collections:
    # never traversed by the garbage collector, never copied on write for its bookkeeping.
    gc.freeze()
    try:
        return pool_class(jobs, initializer=_leave_interrupts_to_the_parent, context=multiprocessing.get_context("fork"))
    finally:
        gc.unfreeze()


def extract_stream(articles: Iterable[dict[str, Any]], engine: Engine, cache: FigureCache | None = None,
                   meanwhile: Callable[[], None] | None = None
                   ) -> Iterator[tuple[dict[str, Any], list[dict] | str]]:
    """(article, its core figures or an error) for every article, in input order.

    Up to IN_FLIGHT batches are with the workers while the oldest is handed on,
    so reading and writing here overlap with extraction: a slow write (a row
    group converted) leaves the workers queued work instead of idling them.
    ``meanwhile`` runs once, when work elsewhere is first waited for: the
    moment this process has to spare for its own set-up (the writer's pyarrow
    import, which would otherwise come at the first row group, after all the
    work of a small corpus).
    """
    pending: deque[_Started] = deque()
    in_flight = IN_FLIGHT if engine.elsewhere else 1       # work done here needs no queue
    spare = meanwhile if engine.elsewhere else None
    for batch in _batches(articles):
        pending.append(_start_batch(batch, engine, cache))
        if len(pending) >= in_flight:
            if spare is not None:
                spare()
                spare = None
            yield from _finish_batch(*pending.popleft(), cache)
    while pending:
        if spare is not None:
            spare()
            spare = None
        yield from _finish_batch(*pending.popleft(), cache)


def _batches(articles: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= BATCH_ARTICLES:
            yield batch
            batch = []
    if batch:
        yield batch


_Started = tuple[list[dict[str, Any]], list[str], dict[str, list[dict]], list[int], Callable[[], list]]


def _start_batch(batch: list[dict[str, Any]], engine: Engine, cache: FigureCache | None) -> _Started:
    keys = [cache.key(a) for a in batch] if cache else []
    cached = cache.get_many(keys) if cache else {}
    todo = [i for i in range(len(batch)) if not cache or keys[i] not in cached]
    pairs = [(batch[i].get("text") or "", batch[i].get("published")) for i in todo]
    chunks = [pairs[i:i + CHUNK_ARTICLES] for i in range(0, len(pairs), CHUNK_ARTICLES)]
    return batch, keys, cached, todo, engine.submit(chunks)


def _finish_batch(batch: list[dict[str, Any]], keys: list[str], cached: dict[str, list[dict]], todo: list[int],
                  results: Callable[[], list], cache: FigureCache | None
                  ) -> Iterator[tuple[dict[str, Any], list[dict] | str]]:
    fresh = dict(zip(todo, results()))
    if cache:
        cache.put_many([(keys[i], rows) for i, rows in fresh.items() if not isinstance(rows, str)])
    for i, article in enumerate(batch):
        yield article, (fresh[i] if i in fresh else cached[keys[i]])


# skip_pandas_probe's switch, and whether pyarrow has asked its question in this process.
_PANDAS_PROBE = {"skip": False, "asked": False}


def skip_pandas_probe() -> None:
    """Write this process's tables without importing pandas: about 0.25 s of CPU saved at every
    ``extract`` and ``ingest``, a fifth of a 1,000-article run. For a process newsfigures owns
    from start to end (its command line, and the benchmark that times it), never for a library
    caller's.

    At its first conversion of a Python list, pyarrow imports pandas to ask whether the list is
    a pandas object (``pa.array`` -> ``_is_array_like``); the table writer's lists never are.
    Asked while pandas cannot be imported (:func:`_answer_pandas_probe`), pyarrow notes "no
    pandas" and converts later lists without asking. From then on, ``pa.array`` handed a pandas
    object would read it as a plain sequence (a categorical as strings, NaN as a number) until
    one of pyarrow's pandas entry points (``Table.from_pandas``, ``Schema.from_pandas``,
    ``to_pandas``) imports pandas and re-arms its checks. The writer's only pandas path, its
    fallback through ``tables.frame``, goes through ``Table.from_pandas``; newsfigures'
    commands never hand pyarrow pandas objects otherwise. A library caller might, hence the
    switch.
    """
    _PANDAS_PROBE["skip"] = True


class _NoPandasInThisThread:
    """An import hook that refuses pandas to one thread (others import as usual)."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.partition(".")[0] == "pandas" and threading.get_ident() == self.thread:
            raise ImportError("pandas is not imported while newsfigures converts lists (skip_pandas_probe)")
        return None


def _pyarrow() -> Any:
    """pyarrow, its pandas question answered first where :func:`skip_pandas_probe` asks for it."""
    import pyarrow as pa

    if _PANDAS_PROBE["skip"] and not _PANDAS_PROBE["asked"]:
        _answer_pandas_probe(pa)
    return pa


def _answer_pandas_probe(pa: Any) -> None:
    """Let pyarrow ask its pandas question on an empty list while pandas is refused (unless
    something has imported pandas already: then pyarrow simply uses it)."""
    _PANDAS_PROBE["asked"] = True
    if "pandas" in sys.modules:
        return
    hook = _NoPandasInThisThread()
    sys.meta_path.insert(0, hook)
    try:
        pa.array([], type=pa.int64())
    finally:
        sys.meta_path.remove(hook)


class TableWriter:
    """Rows to one or more .csv/.parquet files in fixed-size row groups: flat memory, same bytes every time.

    Rows go straight into Arrow with the contract's schema (pandas metadata
    included, so ``pd.read_parquet`` gives back the nullable dtypes); each
    row group is converted once and written to every output.
    """

    def __init__(self, paths: Path | list[Path], columns: dict[str, tuple[str, str]]) -> None:
        self.paths = [Path(p) for p in (paths if isinstance(paths, list) else [paths])]
        for path in self.paths:
            if path.suffix.lower() not in (".csv", ".parquet"):
                raise ValueError(f"{path}: output must end in .csv or .parquet")
        self.columns = columns
        self._schema: Any = None
        self.tmps = [p.with_name(p.name + ".partial") for p in self.paths]
        self.names = list(columns)
        self.buffer: dict[str, list] = {name: [] for name in self.names}    # rows waiting, by column
        self.pending = 0
        self.pending_text = 0             # characters of text in the waiting rows
        self._text_columns = [name for name in LONG_TEXT_COLUMNS if name in columns]
        self.writers: list[Any] = []
        self.handles: list[Any] = []

    def add(self, rows: list[dict]) -> None:
        """Rows as dicts (a missing key is an empty value)."""
        for name in self.names:
            self.buffer[name].extend([row.get(name) for row in rows])
        self._added(len(rows))

    def add_columns(self, columns: dict[str, list], n: int) -> None:
        """``n`` rows given column by column (every column of the table, each ``n`` long)."""
        for name in self.names:
            self.buffer[name].extend(columns[name])
        self._added(n)

    def _added(self, n: int) -> None:
        """Cut a row group after the row that reaches ROW_GROUP rows or ROW_GROUP_TEXT characters."""
        first = self.pending
        self.pending += n
        size = self._text_size(first, self.pending)
        if self.pending < ROW_GROUP and self.pending_text + size < ROW_GROUP_TEXT:
            self.pending_text += size          # no cut in these rows (the usual case): counted at C speed
            return
        row = first                            # a cut falls in these rows: find it row by row
        while row < self.pending:
            self.pending_text += self._text_size(row, row + 1)
            row += 1
            if row >= ROW_GROUP or self.pending_text >= ROW_GROUP_TEXT:
                self._flush({name: values[:row] for name, values in self.buffer.items()})
                self.buffer = {name: values[row:] for name, values in self.buffer.items()}
                self.pending -= row
                self.pending_text = 0
                row = 0

    @property
    def schema(self) -> Any:
        """The Arrow schema, made at the first row group: importing pyarrow then overlaps with
        extraction instead of delaying the workers' first batch."""
        if self._schema is None:
            from .tables import arrow_schema

            self._schema = arrow_schema(self.columns)
        return self._schema

    def _text_size(self, start: int, stop: int) -> int:
        """Characters of long text in buffered rows start:stop (values that are not strings count 0)."""
        total = 0
        for name in self._text_columns:
            values = self.buffer[name][start:stop]
            try:
                total += sum(map(len, filter(None, values)))
            except TypeError:                  # a date or a number waiting for the contract's coercion
                total += sum(len(v) for v in values if type(v) is str)
        return total

    def prepare(self) -> None:
        """Import what writing needs (pyarrow, its Parquet and CSV writers) and build the schema
        now, for a caller with time to spare; otherwise it happens at the first row group."""
        import importlib

        _pyarrow()
        for module in ("pyarrow.csv", "pyarrow.parquet"):
            importlib.import_module(module)
        self._schema = self.schema

    def _table(self, columns: dict[str, list]) -> Any:
        pa = _pyarrow()
        try:
            return pa.Table.from_arrays([pa.array(columns[field.name], type=field.type) for field in self.schema],
                                        schema=self.schema)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            # Values of another type (a float count, a date object): let the
            # contract's coercions in tables.frame decide, as they always have.
            from .tables import frame

            rows = [dict(zip(self.names, values)) for values in zip(*(columns[n] for n in self.names))]
            return pa.Table.from_pandas(frame(rows, self.columns), schema=self.schema, preserve_index=False)

    def _open(self) -> None:
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        for path, tmp in zip(self.paths, self.tmps):
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix.lower() == ".parquet":
                self.writers.append(pq.ParquetWriter(tmp, self.schema))
            else:
                handle = open(tmp, "wb")
                self.handles.append(handle)
                handle.write((",".join(self.columns) + "\n").encode("utf-8"))
                self.writers.append(pcsv.CSVWriter(handle, self.schema, write_options=pcsv.WriteOptions(
                    include_header=False, quoting_style="needed")))

    def _flush(self, columns: dict[str, list]) -> None:
        table = self._table(columns)
        if not self.writers:
            self._open()
        for writer in self.writers:
            writer.write_table(table)

    def close(self) -> None:
        """Write what is left and move the files into place (a failed run leaves no half table)."""
        if self.pending or not self.writers:
            self._flush(self.buffer)
            self.buffer = {name: [] for name in self.names}
            self.pending = self.pending_text = 0
        self._close_files()
        for tmp, path in zip(self.tmps, self.paths):
            tmp.replace(path)

    def _close_files(self) -> None:
        for writer in self.writers:
            writer.close()
        for handle in self.handles:
            handle.close()
        self.writers, self.handles = [], []

    def abort(self) -> None:
        self._close_files()
        for tmp in self.tmps:
            tmp.unlink(missing_ok=True)


def iter_parquet_articles(path: Path, batch_rows: int = 1000) -> Iterator[dict[str, Any]]:
    """Articles from an articles.parquet, a batch at a time (as plain Python values, no DataFrame).

    Read one row group at a time: ``ParquetFile.iter_batches`` reads ahead across
    row groups and held 240 MB of a 100k-article table at once.
    """
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    for group in range(source.num_row_groups):
        yield from _group_rows(source.read_row_group(group), batch_rows)


def _group_rows(table: Any, batch_rows: int) -> Iterator[dict[str, Any]]:
    """One row group's rows. Its own generator, so nothing of the group (the table, its last
    batch) is still referenced while the next group is read."""
    names = table.schema.names
    for batch in table.to_batches(max_chunksize=batch_rows):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        for values in zip(*columns):
            yield dict(zip(names, values))
