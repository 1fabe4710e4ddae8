"""The auditor's commands: ``audit verify|replay|checkpoint|export`` and the ``archive`` group, and the
chores the timer worker runs for the auditor (the day's signed checkpoint, filing closed cases), docs/audit.md."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click

from engine.retention import PERMANENT
from webapp import messages
from webapp.cli.base import Context, echo_json, every_page, main, pass_context

log = logging.getLogger("quytrinh.cli")


@main.group()
def audit() -> None:
    """Kiểm tra toàn vẹn."""


@audit.command("verify")
@click.argument("number", required=False)
@pass_context
def audit_verify(ctx: Context, number: str | None) -> None:
    """Recompute the journal's hash chains and check the signed checkpoints; exit 1 naming the first
    broken event."""
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





def verify_journal(ctx: Context, number: str | None, reasons: dict[str, str]) -> None:
    """``audit verify``: the chains, then the signed checkpoints and the definitions' files.

    One line per broken case naming its first broken event (the chain's own finding first), one line per
    checkpoint that does not hold; exit 1 if there is any. The success line is unchanged, and a second line
    counts the checkpoints checked.
    """
    from engine.services import audit as audit_service
    from engine.services import checkpoints, history
    with ctx.uow.reader() as reader:
        reports = history.verify(reader, number)
        marks = checkpoints.verify(reader, number)
        changed_cases = set(audit_service.cases_on_changed_definitions(reader, number))
    lines = []
    for report in reports:
        found = []
        if not report.ok:
            found.append((report.broken_at, reasons.get(report.reason, report.reason)))
        mark = marks.first_for_case(report.case)
        if mark is not None:
            when = f" #{mark.checkpoint}" if mark.checkpoint else ""
            found.append((mark.event, reasons.get(mark.reason, mark.reason) + when))
        if report.case in changed_cases:
            found.append((1, reasons["definition"]))
        if found:
            seq, reason = min(found, key=lambda item: item[0])
            lines.append(f"Hồ sơ {report.case}: sự kiện #{seq} không toàn vẹn ({reason}).")
    for failure in marks.failures:
        if failure.case is None:
            what = {"signature": "chữ ký số của điểm chốt không hợp lệ", "body": "nội dung điểm chốt đã bị sửa",
                    "chain": "chuỗi điểm chốt bị đứt (điểm chốt bị xóa hoặc chèn)"}.get(failure.reason, failure.reason)
            lines.append(f"Điểm chốt #{failure.checkpoint}: không toàn vẹn ({what}).")
    if lines:
        for line in lines:
            click.echo(line, err=True)
        raise click.exceptions.Exit(1)
    events = sum(r.events for r in reports)
    click.echo(f"Nhật ký toàn vẹn: {len(reports)} hồ sơ, {events} sự kiện.")
    click.echo(f"Điểm chốt đã ký hợp lệ: {marks.checked}.")


@audit.command("checkpoint")
@pass_context
def audit_checkpoint(ctx: Context) -> None:
    """Sign a checkpoint now over every chain that grew since it was last covered (the worker does it daily)."""
    from engine.services import checkpoints
    row = checkpoints.make_daily(ctx.uow)
    click.echo(f"Đã ký điểm chốt #{row.seq} ngày {row.day}: {row.entries} chuỗi nhật ký, mã băm {row.sha256}.")


@audit.command("export")
@click.argument("number")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="The ZIP to write.")
@click.option("--clearance", type=click.IntRange(0, 3), default=None,
              help="The recipient's clearance: fields above it are redacted (default: nothing redacted).")
@click.option("--as", "username", default=None, help="Export as this auditor (default: administrator).")
@pass_context
def audit_export(ctx: Context, number: str, output: str, clearance: int | None, username: str | None) -> None:
    """Write the self-verifying dossier of a case (unpack it and run: python3 verify.py)."""
    from engine.services import access_log, dossier
    made = dossier.export_case(ctx.uow, number=number, actor=ctx.actor(username) if username else None,
                               clearance=clearance, via=access_log.Via("cli"))
    Path(output).write_bytes(made.content)
    hidden = made.manifest["redacted_fields"]
    click.echo(f"Đã xuất hồ sơ {number} vào {output} ({len(made.content)} byte, SHA-256 {made.sha256})"
               + (f"; đã che {len(hidden)} trường mật" if hidden else "") + ".")
    click.echo("Kiểm tra: giải nén rồi chạy python3 verify.py")


@main.group()
def archive() -> None:
    """Lưu trữ điện tử."""


@archive.command("file")
@click.argument("number", required=False)
@click.option("--as", "username", default=None, help="File as this archivist (default: the system).")
@pass_context
def archive_file(ctx: Context, number: str | None, username: str | None) -> None:
    """File a closed case (or, without NUMBER, every closed case not filed yet) with its dossier."""
    from engine.services import access_log, archive as archive_service
    if number:
        views = [archive_service.file_case(ctx.uow, number=number, actor=ctx.actor(username) if username else None,
                                           via=access_log.Via("cli"))]
    else:
        views = archive_service.file_pending(ctx.uow, limit=10_000)
    for view in views:
        kept = "vĩnh viễn" if view.retention == PERMANENT else view.retention
        click.echo(f"{view.file_code}\t{view.case}\t{kept}\t{view.dossier_sha256}")
    click.echo(f"Đã nộp lưu {len(views)} hồ sơ.")


@archive.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def archive_list(ctx: Context, as_json: bool) -> None:
    """Filed cases, newest first."""
    from engine.services import access_log, archive as archive_service
    items = every_page(lambda page: archive_service.list_records(ctx.uow, actor=None, page=page, per_page=100,
                                                                 via=access_log.Via("cli")))
    if as_json:
        echo_json([v.as_json() for v in items])
    else:
        for v in items:
            click.echo(f"{v.file_code}\t{v.case}\t{v.retention}\t{v.filed_at:%d/%m/%Y}\t{v.title}")


@archive.command("show")
@click.argument("file_code")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def archive_show(ctx: Context, file_code: str, as_json: bool) -> None:
    """One filed case and the check of its seal and stored dossier; exit 1 when either fails."""
    from engine.services import access_log, archive as archive_service
    view, check = archive_service.get_record(ctx.uow, actor=None, file_code=file_code, via=access_log.Via("cli"))
    if as_json:
        echo_json({**view.as_json(), "ok": check.ok, "problem": check.code})
    else:
        click.echo(f"{view.file_code} — hồ sơ {view.case} — {view.title}")
        click.echo(f"  thời hạn bảo quản: {view.retention}; nộp lưu {view.filed_at:%d/%m/%Y} bởi {view.filed_by}")
        click.echo(f"  hồ sơ điện tử: {view.dossier_size} byte, SHA-256 {view.dossier_sha256}")
        click.echo("  toàn vẹn: " + ("có" if check.ok else f"KHÔNG ({check.code})"))
    if not check.ok:
        raise click.exceptions.Exit(1)


@archive.command("export")
@click.argument("file_code")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
@click.option("--clearance", type=click.IntRange(0, 3), default=None,
              help="The recipient's clearance (default: the filed dossier, nothing redacted).")
@pass_context
def archive_export(ctx: Context, file_code: str, output: str, clearance: int | None) -> None:
    """Write a filed case's dossier (redacted for a recipient of lower clearance)."""
    from engine.services import access_log, archive as archive_service
    _name, content = archive_service.export(ctx.uow, actor=None, file_code=file_code, clearance=clearance,
                                            via=access_log.Via("cli"))
    Path(output).write_bytes(content)
    click.echo(f"Đã xuất {file_code} vào {output} ({len(content)} byte).")


@archive.command("verify")
@pass_context
def archive_verify(ctx: Context) -> None:
    """Check every filed record's seal and stored dossier; exit 1 naming each that fails."""
    from engine.services import archive as archive_service
    problems = archive_service.verify_all(ctx.uow)
    for file_code, code in problems:
        click.echo(f"Hồ sơ lưu trữ {file_code}: không toàn vẹn ({messages.VI.get(code, code)}).", err=True)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo("Kho lưu trữ toàn vẹn.")


class AuditChores:
    """What the timer worker does besides timers: the day's signed checkpoint, filing closed cases.

    A failure (no CA passphrase) is logged and retried an hour later, never stops the timers."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.retry_at = 0.0

    def run(self) -> list[str]:
        from engine.errors import QuytrinhError
        from engine.services import archive as archive_service, checkpoints
        if time.monotonic() < self.retry_at:
            return []
        lines = []
        try:
            if checkpoints.daily_due(self.ctx.uow):
                row = checkpoints.make_daily(self.ctx.uow, only_if_missing=True)
                if row is not None:
                    lines.append(f"Đã ký điểm chốt ngày {row.day} (#{row.seq}, {row.entries} chuỗi nhật ký).")
            filed = archive_service.file_pending(self.ctx.uow, limit=5)
            if filed:
                lines.append(f"Đã nộp lưu {len(filed)} hồ sơ.")
        except QuytrinhError as exc:
            log.warning("audit chores skipped for an hour: %s %s", exc.code, exc.params)
            self.retry_at = time.monotonic() + 3600
        return lines
