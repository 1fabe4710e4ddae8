"""``quytrinh``: the command line over the engine services (the contract in README.md, "CLI").

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

from engine.errors import DefinitionInvalid, QuytrinhError
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


def _echo_json(value) -> None:
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


def _parse_json(text: str | None, option: str) -> dict:
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


# db -------------------------------------------------------------------------------------------

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


# demo -----------------------------------------------------------------------------------------

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


# definitions ----------------------------------------------------------------------------------

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
        _echo_json([d.as_json() for d in rows])
    else:
        for d in rows:
            click.echo(f"{d.key} {d.version} {d.sha256} {d.name}")


# organisation ---------------------------------------------------------------------------------

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
        _echo_json([u.as_json() for u in users])
    else:
        for u in users:
            roles = ", ".join(f"{r['role']}@{r['unit']}" for r in u.roles)
            click.echo(f"{u.username}\t{u.name}\t{roles}")


# cases ----------------------------------------------------------------------------------------

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
                              data=_parse_json(data, "--data"), classification=classification)
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
        _echo_json(view.as_json())
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
    cases.retry_case(ctx.uow, number=number, actor=ctx.actor(username), corrections=_parse_json(data, "--data"),
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
    cases.correct_data(ctx.uow, number=number, actor=ctx.actor(username), changes=_parse_json(data, "--data"),
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
    cases.send_message(ctx.uow, number=number, name=name, payload=_parse_json(payload, "--payload"),
                       actor=ctx.actor(username) if username else None)
    click.echo(f"Đã gửi thông điệp «{name}» tới hồ sơ {number}.")


# tasks ----------------------------------------------------------------------------------------

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
        _echo_json([t.as_json() for t in items])
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
        _echo_json(view.as_json(detail=True))
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
    number = tasks.complete_task(ctx.uow, task_id=task_id, actor=ctx.actor(username), data=_parse_json(data, "--data"),
                                 pin=pin)
    click.echo(f"Đã hoàn thành nhiệm vụ của hồ sơ {number}.")


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
        _echo_json([r.as_json() for r in results])
        return
    for r in results:
        reduction = "–" if r.reduction is None else f"{r.reduction:.0%}"
        verdict = "đạt" if r.meets_target else "CHƯA ĐẠT"
        click.echo(f"{r.reengineered.name}: hiện trạng {r.asis.steps} bước, {r.asis.mean_days} ngày làm việc; "
                   f"cải tiến {r.reengineered.steps} bước, {r.reengineered.mean_days} ngày; giảm {reduction} "
                   f"({verdict} mục tiêu 30%)")


# timers, audit, serve -------------------------------------------------------------------------

@main.command()
@click.option("--once", is_flag=True, help="One pass, then exit.")
@pass_context
def worker(ctx: Context, once: bool) -> None:
    """Fire due timers (several workers may run on PostgreSQL)."""
    from engine.services import cases, notifications
    from webapp.cli_audit import AuditChores
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


@main.group()
def audit() -> None:
    """Kiểm tra toàn vẹn."""


@audit.command("verify")
@click.argument("number", required=False)
@pass_context
def audit_verify(ctx: Context, number: str | None) -> None:
    """Recompute the journal's hash chains and check the signed checkpoints; exit 1 naming the first
    broken event."""
    from webapp.cli_audit import verify_journal
    verify_journal(ctx, number, _REASONS)


@audit.command("replay")
@click.argument("number")
@pass_context
def audit_replay(ctx: Context, number: str) -> None:
    """Replay a case from its journal on its pinned definition; exit 1 naming the first divergent step."""
    from engine.services import replay
    report = replay.replay_case(ctx.uow, number, details=False)
    if report.ok:
        click.echo(f"Hồ sơ {number}: replay verified — phát lại {len(report.steps)} bước khớp với nhật ký.")
        return
    reasons = {"definition": "tệp quy trình đã bị thay đổi", "input": "dữ liệu đầu vào không còn áp dụng được",
               "state": "trạng thái sau bước khác với nhật ký (dữ liệu bị sửa hoặc kịch bản không tất định)"}
    click.echo(f"Hồ sơ {number}: phát lại lệch tại sự kiện #{report.diverged_at} "
               f"({reasons.get(report.reason, report.reason)}). {report.detail}", err=True)
    raise click.exceptions.Exit(1)


_REASONS = {
    "hash": "nội dung không khớp mã băm",
    "link": "liên kết tới sự kiện trước bị đứt",
    "sequence": "thiếu hoặc sai thứ tự sự kiện",
    "body": "nội dung không ở dạng chuẩn",
    "column": "thông tin sự kiện khác với nội dung đã băm",
    "head": "sự kiện cuối cùng bị xóa",
    "mismatch": "khác với điểm chốt đã ký",
    "truncated": "nhật ký ngắn hơn điểm chốt đã ký: sự kiện bị xóa",
    "uncovered": "chưa có điểm chốt đã ký nào bao trùm dù đã quá hạn chốt",
    "definition": "tệp quy trình đã bị thay đổi sau khi triển khai",
}


@main.group()
def signature() -> None:
    """Chữ ký số."""


@signature.command("verify")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context
def signature_verify(ctx: Context, number: str, as_json: bool) -> None:
    """Check every signature of a case; exit 1 naming the first that does not hold."""
    from engine.services import verification
    report = verification.verify_case_signatures(ctx.uow, number)
    if as_json:
        _echo_json(report.as_json())
    failure = report.first_failure
    if failure is not None:
        if not as_json:
            click.echo(f"Hồ sơ {number}: chữ ký của bước «{failure.element}» (sự kiện #{failure.seq}"
                       f"{', ' + failure.actor if failure.actor else ''}) không hợp lệ: "
                       f"{messages.signature_message(failure.code, failure.params)}", err=True)
        raise click.exceptions.Exit(1)
    if not as_json:
        for step in report.steps:
            who = f"{step.signer_name} ({step.serial})" if step.signer_name else f"con dấu số ({step.serial})"
            click.echo(f"  ✓ #{step.seq} {step.element}: {who}")
        click.echo(f"Hồ sơ {number}: {len(report.steps)} chữ ký số hợp lệ.")


@signature.command("export")
@click.argument("number")
@click.argument("directory", type=click.Path(file_okay=False))
@pass_context
def signature_export(ctx: Context, number: str, directory: str) -> None:
    """Write root.pem and, per signed step, STEP.json (the signed bytes) and STEP.p7s (the signature)."""
    from engine.services import verification
    files = verification.signature_bundle(ctx.uow, number)
    target = Path(directory)
    for name, content in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    click.echo(f"Đã ghi {len(files)} tệp vào {target}. Kiểm tra không cần quytrinh: openssl cms -verify -binary "
               f"-inform DER -in BƯỚC.p7s -content BƯỚC.json -CAfile root.pem -purpose any")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@pass_context
def serve(ctx: Context, host: str, port: int, workers: int) -> None:
    """Serve the web application with gunicorn."""
    from webapp.server import run
    run(ctx.settings, host=host, port=port, workers=workers)


from webapp import cli_audit  # noqa: E402,F401  registers audit checkpoint/export and the archive group

if __name__ == "__main__":  # pragma: no cover
    main()
