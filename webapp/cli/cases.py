"""Cases: ``case start|show|cancel|message`` and the repairs ``case retry|send-back|correct``."""

from __future__ import annotations

import click

from webapp import messages
from webapp.cli.base import Context, echo_json, main, parse_json, pass_context


@main.group()
def case() -> None:
    """Hồ sơ."""


@case.command("start")
@click.argument("key")
@click.option("--unit", "unit_code", required=True, help="Code of the unit that owns the case.")
@click.option("--as", "username", required=True)
@click.option("--data", "data", default=None, help="Opening data as a JSON object.")
@click.option("--classification", type=click.IntRange(0, 3), default=None, help="0 thường … 3 tuyệt mật.")
@pass_context
def case_start(ctx: Context, key: str, unit_code: str, username: str, data: str | None,
               classification: int | None) -> None:
    """Open a case; prints its number."""
    from engine.services import cases
    number = cases.start_case(ctx.uow, key=key, unit_code=unit_code, actor=ctx.actor(username),
                              data=parse_json(data, "--data"), classification=classification)
    click.echo(number)


@case.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True)
@click.option("--as", "username", default=None, help="See the case as this user would (default: administrator view).")
@pass_context
def case_show(ctx: Context, number: str, as_json: bool, username: str | None) -> None:
    """A case with its data, open tasks and journal."""
    from engine.services import cases
    view = cases.get_case(ctx.uow, number=number, actor=ctx.actor(username) if username else None)
    if as_json:
        echo_json(view.as_json())
        return
    click.echo(f"{view.number} [{view.status}] {view.title} — {view.process_name} v{view.version} — {view.unit_name}")
    for task in view.open_tasks:
        click.echo(f"  đang chờ: {task.title} ({task.role or task.candidate}@{task.unit or '-'}) {task.id}")
    for event in view.events:
        click.echo(f"  #{event.seq} {event.at:%d/%m/%Y %H:%M} {messages.EVENT_VI.get(event.type, event.type)}"
                   f" {event.actor or ''}")


@case.command("cancel")
@click.argument("number")
@click.option("--as", "username", required=True)
@click.option("--reason", required=True)
@pass_context
def case_cancel(ctx: Context, number: str, username: str, reason: str) -> None:
    """Cancel a case with a reason."""
    from engine.services import cases
    cases.cancel_case(ctx.uow, number=number, actor=ctx.actor(username), reason=reason)
    click.echo(f"Đã hủy hồ sơ {number}.")


@case.command("retry")
@click.argument("number")
@click.option("--as", "username", required=True)
@click.option("--data", "data", default=None, help="Corrected form fields for the failed step, as JSON.")
@click.option("--skip", is_flag=True, help="Skip the failed script (needs --reason).")
@click.option("--reason", default="", help="Why (required with --skip).")
@pass_context
def case_retry(ctx: Context, number: str, username: str, data: str | None, skip: bool, reason: str) -> None:
    """Re-apply the failed action of a case in error (administrators)."""
    from engine.services import cases
    cases.retry_case(ctx.uow, number=number, actor=ctx.actor(username), corrections=parse_json(data, "--data"),
                     skip=skip, reason=reason)
    click.echo(f"Đã chạy lại hồ sơ {number}.")


@case.command("send-back")
@click.argument("number")
@click.argument("element")
@click.option("--as", "username", required=True)
@click.option("--reason", required=True)
@pass_context
def case_send_back(ctx: Context, number: str, element: str, username: str, reason: str) -> None:
    """Send a case back to an earlier step (administrators; journaled, replay follows)."""
    from engine.services import repairs
    repairs.send_back(ctx.uow, number=number, actor=ctx.actor(username), element=element, reason=reason)
    click.echo(f"Đã trả hồ sơ {number} về bước «{element}».")


@case.command("correct")
@click.argument("number")
@click.option("--as", "username", required=True)
@click.option("--data", "data", required=True, help="Keys to overwrite, as JSON.")
@click.option("--reason", required=True)
@pass_context
def case_correct(ctx: Context, number: str, username: str, data: str, reason: str) -> None:
    """Correct data of a running or failed case (administrators; journaled)."""
    from engine.services import cases
    cases.correct_data(ctx.uow, number=number, actor=ctx.actor(username), changes=parse_json(data, "--data"),
                       reason=reason)
    click.echo(f"Đã sửa dữ liệu hồ sơ {number}.")


@case.command("message")
@click.argument("number")
@click.argument("name")
@click.option("--payload", default=None, help="Message payload as JSON.")
@click.option("--as", "username", default=None)
@pass_context
def case_message(ctx: Context, number: str, name: str, payload: str | None, username: str | None) -> None:
    """Deliver a BPMN message to a case."""
    from engine.services import cases
    cases.send_message(ctx.uow, number=number, name=name, payload=parse_json(payload, "--payload"),
                       actor=ctx.actor(username) if username else None)
    click.echo(f"Đã gửi thông điệp «{name}» tới hồ sơ {number}.")
