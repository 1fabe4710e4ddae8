"""Tasks: ``task list|show|claim|release|complete``."""

from __future__ import annotations

import json

import click

from webapp.cli.base import Context, echo_json, every_page, main, parse_json, pass_context


@main.group()
def task() -> None:
    """Nhiệm vụ."""


@task.command("list")
@click.option("--as", "username", default=None)
@click.option("--all", "all_tasks", is_flag=True, help="Every open task (administrators and tooling).")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def task_list(ctx: Context, username: str | None, all_tasks: bool, as_json: bool) -> None:
    """Open tasks of a user (or every open task with --all)."""
    from engine.services import tasks
    if all_tasks == bool(username):
        raise click.UsageError("cần đúng một trong hai tùy chọn --as USERNAME hoặc --all.")
    if all_tasks:
        items = tasks.list_open_tasks(ctx.uow)
    else:
        actor = ctx.actor(username)
        items = every_page(lambda page: tasks.list_tasks(ctx.uow, actor=actor, page=page, per_page=200))
    if as_json:
        echo_json([t.as_json() for t in items])
    else:
        for t in items:
            click.echo(f"{t.id}\t{t.case}\t{t.title}\t{t.role or t.candidate}@{t.unit or '-'}\t{t.assignee or ''}")


@task.command("show")
@click.argument("task_id")
@click.option("--as", "username", required=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def task_show(ctx: Context, task_id: str, username: str, as_json: bool) -> None:
    """One task with its form (JSON Schema) and whether it needs a signature."""
    from engine.services import tasks
    view = tasks.get_task(ctx.uow, task_id=task_id, actor=ctx.actor(username))
    if as_json:
        echo_json(view.as_json(detail=True))
    else:
        click.echo(f"{view.title} — hồ sơ {view.case} — {view.role or view.candidate}@{view.unit or '-'}")
        if view.instructions:
            click.echo(view.instructions)
        click.echo(json.dumps(view.form, ensure_ascii=False, indent=2))


@task.command("claim")
@click.argument("task_id")
@click.option("--as", "username", required=True)
@pass_context
def task_claim(ctx: Context, task_id: str, username: str) -> None:
    """Claim a task."""
    from engine.services import tasks
    view = tasks.claim_task(ctx.uow, task_id=task_id, actor=ctx.actor(username))
    click.echo(f"Đã nhận nhiệm vụ «{view.title}» của hồ sơ {view.case}.")


@task.command("release")
@click.argument("task_id")
@click.option("--as", "username", required=True)
@pass_context
def task_release(ctx: Context, task_id: str, username: str) -> None:
    """Release a claimed task."""
    from engine.services import tasks
    view = tasks.release_task(ctx.uow, task_id=task_id, actor=ctx.actor(username))
    click.echo(f"Đã trả lại nhiệm vụ «{view.title}» của hồ sơ {view.case}.")


@task.command("complete")
@click.argument("task_id")
@click.option("--as", "username", required=True)
@click.option("--data", "data", default=None, help="Form data as a JSON object.")
@click.option("--pin", default=None, help="PIN of the signing key (steps that need a digital signature).")
@pass_context
def task_complete(ctx: Context, task_id: str, username: str, data: str | None, pin: str | None) -> None:
    """Complete a task with form data (signed with the user's key when the step requires it)."""
    from engine.services import tasks
    number = tasks.complete_task(ctx.uow, task_id=task_id, actor=ctx.actor(username), data=parse_json(data, "--data"),
                                 pin=pin)
    click.echo(f"Đã hoàn thành nhiệm vụ của hồ sơ {number}.")
