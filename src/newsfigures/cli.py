"""The ``newsfigures`` command line.

Exit codes scripts can trust:
  0  the run completed (some articles may have been rejected: see stderr and the rejects table)
  1  the run failed: nothing usable was written (the message says why)
  2  the command was called wrongly (bad option, missing input path)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, native

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _fail(message: str, fix: str = "", code: int = EXIT_FAILED) -> None:
    click.echo(f"error: {message}" + (f"\n  fix: {fix}" if fix else ""), err=True)
    sys.exit(code)


def _progress(flag: bool | None) -> bool | None:
    return flag


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version, with which extractor code runs: worked out when asked, not at every start."""
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"newsfigures {__version__}\nextractor: {native.status()}\narticle index: {native.index_status()}")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version, and which extractor code runs, and exit.")
def main() -> None:
    """Turn news articles into a tidy, traceable table of reported figures.

    \b
    A reported figure is a count of people killed, injured, evacuated,
    trapped, displaced, ... stated in an article (see ANNOTATION.md). Each
    row says what was counted, how it was hedged, where, as of when, who
    said it, and the exact sentence and characters it came from.

    \b
    Typical use:
      newsfigures extract data/raw --out figures.csv
      newsfigures ingest data/raw --out data/processed/articles.parquet
      newsfigures evaluate data/processed/figures.parquet --gold tests/gold/gold.csv
      newsfigures report

    \b
    Exit codes: 0 done (rejected articles are listed on stderr),
    1 failed (nothing written), 2 wrong usage.
    """


_PROGRESS = click.option("--progress/--no-progress", default=None,
                         help="Show progress bars. Default: only when stderr is a terminal.")


def _existing(paths: tuple[str, ...]) -> list[Path]:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        _fail(f"no such file or folder: {', '.join(missing)}", "check the path (folders are read recursively)",
              EXIT_USAGE)
    return [Path(p) for p in paths]


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Articles table to write (.parquet or .csv).")
@click.option("--problems", "problems_out", type=click.Path(dir_okay=False),
              help="Where to write the rejected files and warnings (.csv or .parquet).")
@_PROGRESS
def ingest(paths: tuple[str, ...], out: str, problems_out: str | None, progress: bool | None) -> None:
    """Read article files into one row per article.

    PATHS are files or folders (read recursively): .txt, .md, .html/.htm,
    .jsonl. Metadata comes from an articles.csv manifest in a folder
    (columns file, publisher, published, url, title, published_source) or
    from YAML front matter. Unreadable files are reported, never dropped
    silently.
    """
    from .pipeline import run_ingest
    from .runner import skip_pandas_probe

    skip_pandas_probe()                  # this process is ours: its tables need no pandas
    count, problems = run_ingest(_existing(paths), Path(out), Path(problems_out) if problems_out else None,
                                 progress=_progress(progress))
    rejected = sum(1 for p in problems if p.level != "warning")
    click.echo(f"ingested {count} articles ({rejected} rejected) -> {out}", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "outs", required=True, multiple=True, type=click.Path(dir_okay=False),
              help="Figures table to write: .csv or .parquet (repeat for both).")
@click.option("--rejects", "rejects_out", type=click.Path(dir_okay=False),
              help="Where to write rejected articles with reasons (.csv or .parquet).")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, exists=True),
              help="Folder of extra rule YAML files extending the packaged ones.")
@click.option("--default-country", default="Ukraine", show_default=True,
              help="Location of country-level figures (refugees, displaced) when no place is named.")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Worker processes (or Dask workers for a local cluster). Output is identical for any N.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: this machine's processes; dask: a Dask cluster (see --scheduler).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786) of an existing cluster; default: a LocalCluster.")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="Cache per-article results here (keyed by text, date, extractor code and rules).")
@_PROGRESS
def extract(paths: tuple[str, ...], outs: tuple[str, ...], rejects_out: str | None, rules_dir: str | None,
            default_country: str, jobs: int, engine: str, scheduler: str | None, cache_dir: str | None,
            progress: bool | None) -> None:
    """Extract reported figures from articles, one row per figure.

    PATHS are article files or folders (read recursively: .txt, .md,
    .html/.htm, .jsonl), or an articles.parquet written by `ingest`.
    The output format follows --out's suffix. Rejected articles go to
    stderr and to --rejects; the run still exits 0.

    \b
    Scale: articles are streamed (memory stays flat), --jobs N runs N
    processes, --engine dask runs on a Dask cluster, and --cache-dir
    skips articles already extracted with the same text, date, code and rules.
    """
    from .pipeline import run_extract
    from .runner import WorkerDied, skip_pandas_probe

    skip_pandas_probe()                  # this process is ours: its tables need no pandas
    inputs = _existing(paths)
    for out in outs:
        if Path(out).suffix.lower() not in (".csv", ".parquet"):
            _fail(f"--out {out}: unknown format", "give a file ending in .csv or .parquet", EXIT_USAGE)
    if scheduler and engine != "dask":
        _fail("--scheduler needs --engine dask", "add --engine dask", EXIT_USAGE)
    try:
        n_articles, n_figures, problems = run_extract(
            inputs, [Path(o) for o in outs], Path(rejects_out) if rejects_out else None, rules_dir=rules_dir,
            default_country=default_country, progress=_progress(progress), jobs=jobs, engine=engine,
            scheduler=scheduler, cache_dir=Path(cache_dir) if cache_dir else None)
    except WorkerDied as exc:
        _fail(f"{exc}; nothing was written", "run again with fewer --jobs (or --jobs 1), or with more memory")
    except Exception as exc:  # validation or write failure: nothing was written
        _fail(f"{type(exc).__name__}: {exc}", "nothing was written; check --rules files, or report the bug")
    rejected = sum(1 for p in problems if p.level != "warning")
    click.echo(f"extracted {n_figures} figures from {n_articles} articles ({rejected} rejected) -> {', '.join(outs)}",
               err=True)


@main.command()
@click.argument("figures", type=click.Path(exists=True, dir_okay=False))
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Hand-annotated gold CSV (tests/gold/gold.csv).")
@click.option("--metrics", "metrics_out", type=click.Path(dir_okay=False),
              help="Write scores as JSON here (a DVC metrics file).")
@click.option("--errors", "errors_out", type=click.Path(dir_okay=False),
              help="Write misses and false alarms as CSV here.")
def evaluate(figures: str, gold: str, metrics_out: str | None, errors_out: str | None) -> None:
    """Score extracted figures against hand-made gold.

    Detection precision, recall and F1 (rows matched inside one article on
    the value, or on the vague words), then per-field agreement on matched
    rows: metric, qualifier, population, location, as_of, attributed_to.
    """
    from .evaluate import evaluate_files

    scores = evaluate_files(Path(figures), Path(gold),
                            Path(metrics_out) if metrics_out else None,
                            Path(errors_out) if errors_out else None)
    det = scores["detection"]
    click.echo(f"detection: precision {det['precision']:.3f}  recall {det['recall']:.3f}  f1 {det['f1']:.3f}")
    for name, value in scores["agreement"].items():
        click.echo(f"{name:>14}: {value:.3f}")


@main.command()
@click.option("--renderer", type=click.Choice(["auto", "quarto", "fallback"]), default="auto", show_default=True,
              help="auto uses Quarto when `quarto` is on PATH, else the pandoc+Typst fallback.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["html", "pdf"]),
              help="Formats to render (default: both).")
def report(renderer: str, formats: tuple[str, ...]) -> None:
    """Render reports/report.html and reports/report.pdf from the analyses."""
    from .render import render_report

    try:
        used, outputs = render_report(renderer=renderer, formats=formats or ("html", "pdf"))
    except Exception as exc:
        _fail(f"report rendering failed: {exc}",
              "run `dvc repro` so the analyses exist; for Quarto problems try --renderer fallback")
    click.echo(f"renderer: {used}")
    for path in outputs:
        click.echo(f"wrote {path}")


@main.command()
@click.argument("figures", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "outs", required=True, multiple=True, type=click.Path(dir_okay=False),
              help="Series table to write: .csv or .parquet (repeat for both).")
@click.option("--summary", "summary_outs", multiple=True, type=click.Path(dir_okay=False),
              help="One row per series (latest, highest, conservative): .csv or .parquet.")
def series(figures: str, outs: tuple[str, ...], summary_outs: tuple[str, ...]) -> None:
    """Group figures into series and mark revisions and disagreements.

    A series is the figures that count the same thing: same metric,
    population, location and named event. Each report is marked up, down or
    unchanged against the one before; different values for the same as-of
    date from different sources are disagreements; the conservative view is
    the lowest sourced figure per date.
    """
    from .pipeline import run_series

    rows = run_series(Path(figures), [Path(o) for o in outs], [Path(o) for o in summary_outs])
    click.echo(f"{rows['series_key'].nunique()} series from {len(rows)} figures -> {', '.join(outs)}", err=True)


@main.command()
@click.option("--sizes", default="1000,10000,100000", show_default=True,
              help="Corpus sizes (articles) to time extraction on, comma-separated.")
@click.option("--jobs", "jobs_list", default="1,2", show_default=True, help="Process counts to time, comma-separated.")
@click.option("--workdir", type=click.Path(file_okay=False), default=".cache/bench", show_default=True,
              help="Where generated corpora and outputs go (reused between runs).")
@click.option("--source", type=click.Path(exists=True, file_okay=False), default="data/raw", show_default=True,
              help="Real articles whose sentences the synthetic corpus recombines.")
@click.option("--out", type=click.Path(dir_okay=False), default="benchmarks/results.json", show_default=True,
              help="Results as JSON; a Markdown table is written beside it (.md).")
@click.option("--baseline-sentences", default=1000, show_default=True,
              help="Sentences for the quantulum3 comparison (0 to skip).")
@click.option("--incremental-size", default=10000, show_default=True,
              help="Corpus size for the add-one-article run (0 to skip).")
@click.option("--report-series", default=100, show_default=True, help="Series in the report-scale run (0 to skip).")
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(min=1),
              help="Timed runs of each extraction and of the baseline; the fastest is reported, every run is listed.")
def bench(sizes: str, jobs_list: str, workdir: str, source: str, out: str, baseline_sentences: int,
          incremental_size: int, report_series: int, repeat: int) -> None:
    """Measure speed and memory on a synthetic corpus of real sentences.

    Reports articles/s, MB/s (per core) and peak memory for extraction at
    each size, the extract stage after adding one article to a cached
    corpus, newsfigures against quantulum3 per sentence, and the report
    stage with many series. Slow at 100k articles: minutes, not seconds.
    """
    from .bench import markdown, run

    results = run([int(x) for x in sizes.split(",") if x], [int(x) for x in jobs_list.split(",") if x],
                  Path(workdir), Path(source), Path(out), baseline_sentences, incremental_size or None,
                  report_series or None, repeat)
    click.echo(markdown(results))


@main.command()
@click.argument("table", type=click.Choice(["articles", "figures", "problems", "series", "series_summary"]),
                required=False)
def dictionary(table: str | None) -> None:
    """Print the data dictionary of the published tables (Markdown)."""
    from .tables import all_tables, dictionary_markdown

    for name in ([table] if table else list(all_tables())):
        click.echo(f"## {name}\n\n{dictionary_markdown(name)}\n")


if __name__ == "__main__":
    main()
