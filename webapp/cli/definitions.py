"""Process definitions: ``deploy``, ``validate``, ``process list``, and ``compare`` (as-is vs re-engineered)."""

from __future__ import annotations

from pathlib import Path

import click

from engine.errors import DefinitionInvalid
from webapp import messages
from webapp.cli.base import Context, echo_json, main, pass_context


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "username", default=None, help="Who deploys (recorded with the version).")
@pass_context
def deploy(ctx: Context, files: tuple[str, ...], username: str | None) -> None:
    """Deploy BPMN files; prints one line per process: KEY VERSION SHA256."""
    from engine.services import definitions
    for path in files:
        try:
            for item in definitions.deploy_file(ctx.uow, path, deployed_by=username):
                click.echo(f"{item.key} {item.version} {item.sha256}")
        except DefinitionInvalid as exc:
            _print_problems(path, exc)
            raise click.exceptions.Exit(1)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@pass_context
def validate(ctx: Context, files: tuple[str, ...]) -> None:
    """Check BPMN files; exit 1 with one line per problem: FILE:LINE: ELEMENT_ID: message."""
    from engine.services import definitions
    failed = False
    for path in files:
        try:
            definitions.validate_file(ctx.uow, path)
        except DefinitionInvalid as exc:
            _print_problems(path, exc)
            failed = True
    if failed:
        raise click.exceptions.Exit(1)


def _print_problems(path: str, exc: DefinitionInvalid) -> None:
    folder = Path(path).parent
    for problem in exc.problems:
        name = Path(path) if problem.file == Path(path).name else folder / problem.file
        click.echo(f"{name}:{problem.line}: {problem.element or '-'}: {messages.problem_message(problem)}")


@main.group()
def process() -> None:
    """Quy trình đã triển khai."""


@process.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def process_list(ctx: Context, as_json: bool) -> None:
    """Every deployed version of every process."""
    from engine.services import definitions
    rows = definitions.list_definitions(ctx.uow)
    if as_json:
        echo_json([d.as_json() for d in rows])
    else:
        for d in rows:
            click.echo(f"{d.key} {d.version} {d.sha256} {d.name}")



@main.command()
@click.argument("keys", nargs=-1)
@click.option("--cases", "count", default=100, show_default=True, type=click.IntRange(1, 10_000),
              help="Simulated cases per variant.")
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
@click.option("--markdown", "markdown_file", type=click.Path(dir_okay=False), default=None,
              help="Also write the report as Markdown to this file.")
@click.option("--save", is_flag=True, help="Keep the results for the designer's comparison page.")
@pass_context
def compare(ctx: Context, keys: tuple[str, ...], count: int, seed: int, as_json: bool, markdown_file: str | None,
            save: bool) -> None:
    """Compare the as-is and re-engineered variants of procedures (simulated cycle times)."""
    from engine.demo import BPMN_DIR
    from engine.services import simulation
    folders = [BPMN_DIR / key for key in keys] if keys else None
    if folders:
        for folder in folders:
            if not (folder / f"{folder.name}_asis.bpmn").is_file():
                raise click.UsageError(f"không có hai phương án (hiện trạng và cải tiến) trong {folder}.")
        results = [simulation.compare(f, cases_per_variant=count, seed=seed) for f in folders]
    else:
        results = simulation.compare_all(BPMN_DIR, cases_per_variant=count, seed=seed)
    if markdown_file:
        Path(markdown_file).write_text(simulation.markdown(results, cases_per_variant=count, seed=seed),
                                       encoding="utf-8")
    if save:
        for result in results:
            simulation.save(ctx.settings, result, cases_per_variant=count, seed=seed, at=ctx.uow.clock.now())
    if as_json:
        echo_json([r.as_json() for r in results])
        return
    for r in results:
        reduction = "–" if r.reduction is None else f"{r.reduction:.0%}"
        verdict = "đạt" if r.meets_target else "CHƯA ĐẠT"
        click.echo(f"{r.reengineered.name}: hiện trạng {r.asis.steps} bước, {r.asis.mean_days} ngày làm việc; "
                   f"cải tiến {r.reengineered.steps} bước, {r.reengineered.mean_days} ngày; giảm {reduction} "
                   f"({verdict} mục tiêu 30%)")
