"""Installation and running: ``db``, ``demo load``, ``user list``, the timer ``worker``, ``serve``."""

from __future__ import annotations

import logging
import time

import click

from webapp.cli.base import Context, echo_json, main, pass_context

log = logging.getLogger("quytrinh.cli")


@main.group()
def db() -> None:
    """Cơ sở dữ liệu (migrations)."""


@db.command("upgrade")
@pass_context
def db_upgrade(ctx: Context) -> None:
    """Apply every migration (creates the database on first use)."""
    from engine import migrate
    migrate.upgrade(ctx.settings)
    click.echo("Cơ sở dữ liệu đã được cập nhật.")


@db.command("check")
@pass_context
def db_check(ctx: Context) -> None:
    """Fail when the models and the migrations disagree."""
    from engine import migrate
    migrate.check(ctx.settings)
    click.echo("Lược đồ cơ sở dữ liệu khớp với mô hình.")



@main.group()
def demo() -> None:
    """Dữ liệu trình diễn."""


@demo.command("load")
@pass_context
def demo_load(ctx: Context) -> None:
    """Load the demo organisation and users; deploy every file under bpmn/."""
    from engine import demo as demo_data
    from engine.errors import ConfigurationError
    if not ctx.settings.demo_pin:    # demo load also makes the CA and the demo users' signing keys
        raise ConfigurationError("config.missing_secret", variable="QUYTRINH_DEMO_PIN")
    deployed = demo_data.load(ctx.uow, password=ctx.settings.demo_password, pin=ctx.settings.demo_pin)
    for item in deployed:
        click.echo(f"{item.key} {item.version} {item.sha256}")
    click.echo(f"Đã nạp dữ liệu trình diễn ({len(demo_data.USERS)} người dùng, {len(deployed)} quy trình).")




@main.group()
def user() -> None:
    """Người dùng."""


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def user_list(ctx: Context, as_json: bool) -> None:
    """Users with the roles they hold now."""
    from engine.services import organisation
    with ctx.uow.reader() as reader:
        users = organisation.list_users(reader)
    if as_json:
        echo_json([u.as_json() for u in users])
    else:
        for u in users:
            roles = ", ".join(f"{r['role']}@{r['unit']}" for r in u.roles)
            click.echo(f"{u.username}\t{u.name}\t{roles}")




@main.command()
@click.option("--once", is_flag=True, help="One pass, then exit.")
@pass_context
def worker(ctx: Context, once: bool) -> None:
    """Fire due timers (several workers may run on PostgreSQL)."""
    from engine.services import cases, notifications
    from webapp.cli.audit import AuditChores
    chores = AuditChores(ctx)
    while True:
        fired = cases.run_due_timers(ctx.uow)
        notifications.notify_due_soon(ctx.uow)   # "approaching deadline" notifications, once per task and person
        done = chores.run()                      # the day's signed checkpoint, closed cases into the archive
        if once:
            click.echo(f"Đã xử lý hẹn giờ của {fired} hồ sơ.")
            for line in done:
                click.echo(line)
            return
        if fired:
            log.info("timers fired in %d cases", fired)
        time.sleep(ctx.settings.worker_interval_s)



@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@pass_context
def serve(ctx: Context, host: str, port: int, workers: int) -> None:
    """Serve the web application with gunicorn."""
    from webapp.server import run
    run(ctx.settings, host=host, port=port, workers=workers)
