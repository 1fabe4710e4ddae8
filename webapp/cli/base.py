"""The shared parts of the ``quytrinh`` command line: its context, its error handling, its output helpers.

Each command reads its arguments, calls one engine service and prints a short result or JSON. Errors
go to stderr in Vietnamese with a non-zero exit code: 1 for a refused request, 2 for a usage error or
an unexpected failure (whose traceback goes to the log file, never to the terminal).
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

import click

from engine.errors import QuytrinhError
from engine.settings import Settings
from webapp import messages

log = logging.getLogger("quytrinh.cli")


class Context:
    """Settings and units of work, created on first use so ``--help`` needs no database."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._uow = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings

    @property
    def uow(self):
        if self._uow is None:
            from engine.uow import UnitOfWork
            self._uow = UnitOfWork(self.settings)
        return self._uow

    def actor(self, username: str):
        from engine.services import organisation
        with self.uow.reader() as reader:
            return organisation.actor_for(reader, username)


pass_context = click.make_pass_decorator(Context, ensure=True)


def echo_json(value) -> None:
    """Print a value as indented JSON, Vietnamese letters as they are."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def every_page(fetch: Callable[[int], Any]) -> list:
    """The items of every page of a paged service result (``items``, ``total``, ``per_page``), pages 1, 2, …"""
    items, page = [], 1
    while True:
        result = fetch(page)
        items.extend(result.items)
        if page * result.per_page >= result.total:
            return items
        page += 1


def parse_json(text: str | None, option: str) -> dict:
    """An option's JSON object, or a usage error in Vietnamese saying what is wrong with it."""
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise click.UsageError(f"{option} không phải JSON hợp lệ: {exc.msg} (vị trí {exc.pos}).") from None
    if not isinstance(value, dict):
        raise click.UsageError(f"{option} phải là một đối tượng JSON, ví dụ '{{\"truong\": \"gia tri\"}}'.")
    return value


class QuytrinhGroup(click.Group):
    """Turns every error into a Vietnamese line on stderr; never shows a traceback."""

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
            return result if isinstance(result, int) else 0
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("Đã hủy.", err=True)
            sys.exit(1)
        except click.UsageError as exc:
            click.echo(f"Sai cú pháp lệnh: {exc.format_message()}", err=True)
            if exc.ctx is not None:
                click.echo(f"Xem hướng dẫn: {exc.ctx.command_path} --help", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"Lỗi: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except QuytrinhError as exc:
            click.echo(f"Lỗi: {messages.message(exc)}", err=True)
            for line in messages.details(exc):
                click.echo(f"  {line}", err=True)
            if exc.code == "signature.pin_required":
                click.echo("  Thêm --pin PIN vào lệnh.", err=True)
            sys.exit(1)
        except SystemExit:
            raise
        except BaseException as exc:  # the last line of defence: a short line here, the traceback in the log
            where = _log_unexpected()
            click.echo(f"Lỗi hệ thống không mong đợi ({type(exc).__name__}: {str(exc)[:200]}). "
                       f"Chi tiết đã ghi vào {where}.", err=True)
            sys.exit(2)


def _log_unexpected() -> str:
    path = Path(Settings.from_env().data_dir) / "quytrinh-errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(time.strftime("%Y-%m-%dT%H:%M:%S ") + traceback.format_exc() + "\n")
    except OSError:
        return "nhật ký hệ thống"
    return str(path)


@click.group(cls=QuytrinhGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """quytrinh: quy trình thủ tục hành chính của Đảng trên môi trường điện tử."""
