"""Signatures: ``signature verify`` and ``signature export`` (files that openssl checks without quytrinh)."""

from __future__ import annotations

from pathlib import Path

import click

from webapp import messages
from webapp.cli.base import Context, echo_json, main, pass_context


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
        echo_json(report.as_json())
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
