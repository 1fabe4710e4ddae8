"""What a completed human step produces besides the workflow's state: effects, documents, a signature.

``prepare`` runs before the step's transaction of a step that needs a PIN (a signed step, or an effect
such as creating a key; the step finds out and raises :class:`PinFirst`): it refuses the step without
a PIN, chooses the signer's certificate and opens the key (wrong PINs counted in their own transaction). ``produce`` runs inside the step's
transaction, after SpiffWorkflow completed the task: it performs the step's effect, renders its
documents (signed by the same signer) and signs the decision. The caller puts the returned data into
the ``task.completed`` event and the signature next to it, so all of it commits together or not at all.

The signed decision (docs/signatures.md) is the canonical JSON of::

    {"format", "case", "step", "task", "instance", "definition", "decision", "data", "documents",
     "attachments", "effects", "signer", "at", "prev"}

kept verbatim in the event's ``data.signed``: the signed bytes are ``journal.canonical(data["signed"])``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from engine import journal
from engine.clock import iso
from engine.errors import SignatureError
from engine.models import Attachment, Case, Task, Unit
from engine.services import assignments, definitions, documents, effects, signing, steps
from engine.spiff import runtime
from engine.uow import UnitOfWork
from engine.views import Actor
from signatures import errors as signature_errors


class PinFirst(Exception):
    """Raised inside a step that needs its signer (or a key) opened before its transaction: the caller
    rolls the step back, calls :func:`prepare` and runs the step again. Most steps need no PIN, so they
    pay for no extra read before their transaction."""


def needs_pin(meta: dict) -> bool:
    """Whether a step (its element's meta) signs or has an effect that opens a key."""
    return bool(meta.get("signature_required")) or bool(meta.get("effect") and effects.effect(meta["effect"]).needs_pin)


@dataclass(frozen=True)
class Prepared:
    session: signing.SigningSession | None
    pin: str | None
    effect_state: dict = field(default_factory=dict)


def prepare(uow: UnitOfWork, *, task_id: str, actor: Actor, pin: str | None) -> Prepared | None:
    """Open the signer (and what an effect needs) for a step, before its transaction.

    ``tasks.complete_task`` calls it only when the step, run once, raised :class:`PinFirst`: the form
    data was checked by then, so no PIN try is spent on wrong data. Returns None when the step needs no
    PIN, or when the task is no longer this actor's to complete (the step itself then raises the
    precise error, and no PIN is tried).

    :raises SignatureError: ``signature.pin_required`` (no PIN for a step that needs one), no usable
        certificate, wrong or locked PIN.
    """
    with uow.reader() as reader:
        found = reader.session.execute(select(Task, Case.classification, Case.definition_id)
                                       .join(Case, Case.id == Task.case_id).where(Task.id == str(task_id))).first()
        if found is None or found.Task.state != "ready":
            return None
        task = found.Task
        if found.classification > actor.clearance or not assignments.is_entitled(actor, task) \
                or task.assignee_id not in (None, actor.user_id):
            return None
        meta = definitions.record(reader, found.definition_id).element(task.element)
        case_id, unit_id, role = task.case_id, task.unit_id, task.role
        title = meta.get("title") or task.element
    if not needs_pin(meta):
        return None
    if not pin:
        raise SignatureError("signature.pin_required", step=title)
    session = signing.open_signer(uow, actor=actor, unit_id=unit_id, pin=pin, role=role) \
        if meta.get("signature_required") else None
    effect = effects.effect(meta["effect"]) if meta.get("effect") else None
    state = effect.prepare(uow, case_id, actor, pin) if effect and effect.prepare else {}
    return Prepared(session=session, pin=pin, effect_state=state)


def produce(uow: UnitOfWork, *, case: Case, task: Task, meta: dict, workflow, actor: Actor, clean: dict,
            instance: str | None, prepared: Prepared | None) -> tuple[dict, bytes | None]:
    """Perform the step's effect, render its documents and sign its decision, in the step's transaction.

    Returns the extra event data (``effects``, ``documents``, ``signed``: only those that apply) and the
    detached signature (DER) or None.
    """
    title = meta.get("title") or task.element
    session = prepared.session if prepared else None
    if meta.get("signature_required"):
        if session is None:
            raise SignatureError("signature.pin_required", step=title)
        signing.ensure_still_usable(uow, session)
    extra: dict = {}
    case_data = {**clean, **runtime.current_data(workflow)}
    if meta.get("effect"):
        effect = effects.effect(meta["effect"])
        if effect.needs_pin and not (prepared and prepared.pin):
            raise SignatureError("signature.pin_required", step=title)
        context = effects.EffectContext(uow=uow, case=case, element=task.element, actor=actor, data=case_data,
                                        pin=prepared.pin if prepared else None,
                                        prepared=dict(prepared.effect_state) if prepared else {})
        extra["effects"] = [{"name": effect.name, "result": effect.apply(context)}]
    if meta.get("documents"):
        signer = None
        if session is not None:
            signer = documents.SignerInfo(session.full_name, session.position or "",
                                          documents.title_for(session.position), uow.now)
        produced = documents.produce(
            uow, case=case, keys=list(meta["documents"]), element=task.element, task_id=task.id, actor=actor,
            case_data=case_data, event_seq=case.event_count + 1, signer=signer,
            sign=(lambda content: (session.sign(content, uow.now), session.serial)) if session else None,
            seal=lambda content: _seal(uow, content))
        extra["documents"] = produced.entries
    if session is None:
        return extra, None
    definition = steps.definition_of(uow, case)
    unit = uow.session.get(Unit, task.unit_id) if task.unit_id else None
    decision = {
        "format": signing.DECISION_FORMAT,
        "case": case.number,
        "step": task.element,
        "task": task.id,
        "instance": instance,
        "definition": definition.sha256,
        "decision": decision_value(definition.task_form(task.element), clean),
        "data": clean,
        "documents": documents.hashes_of_case(uow, case.id),
        "attachments": _attachments(uow, case.id),
        "effects": extra.get("effects", []),
        "signer": {"username": actor.username, "name": session.full_name, "position": session.position,
                   "role": task.role, "unit": unit.code if unit else None, "certificate": session.serial},
        "at": iso(uow.now),
        "prev": case.head_hash,
    }
    signature = session.sign(journal.canonical(decision), uow.now)
    extra["signed"] = decision
    return extra, signature


def decision_value(schema: dict | None, data: dict):
    """The value of the form's decision field (``x-decision``), or None for a step without one."""
    for name, prop in ((schema or {}).get("properties") or {}).items():
        if isinstance(prop, dict) and prop.get("x-decision"):
            return data.get(name)
    return None


def _attachments(uow: UnitOfWork, case_id: int) -> list[dict]:
    rows = uow.session.execute(select(Attachment.id, Attachment.filename, Attachment.sha256)
                               .where(Attachment.case_id == case_id)
                               .order_by(Attachment.uploaded_at, Attachment.id)).all()
    return [{"id": i, "name": n, "sha256": s} for i, n, s in rows]


def _seal(uow: UnitOfWork, content: bytes) -> tuple[bytes, str]:
    """The organisation's seal on a re-rendered document: a detached signature by the engine's certificate."""
    signer = signing.system_signer(uow)
    try:
        return signer.sign_detached(content, uow.now), signing.system_serial(uow)
    except signature_errors.SignatureError as exc:
        raise SignatureError(exc.code, **exc.params) from None


@dataclass(frozen=True)
class PinPrompt:
    """What the task page asks before completing a step: ``sign`` (PIN of the signing key, with the
    certificate that will sign or the error that prevents it), ``new`` (choose a PIN for a new key),
    ``unlock`` (the PIN of the key being activated)."""

    kind: str
    certificate: object | None = None
    problem: Exception | None = None


def pin_prompt(uow: UnitOfWork, *, task_id: str, actor: Actor) -> PinPrompt | None:
    """Whether completing this task needs a PIN, and for what (None: it does not)."""
    with uow.reader() as reader:
        task = reader.session.get(Task, str(task_id))
        if task is None:
            return None
        case = reader.session.scalars(select(Case).where(Case.id == task.case_id)).unique().one()
        meta = steps.definition_of(reader, case).element(task.element)
        unit_id = task.unit_id
    if meta.get("signature_required"):
        certificate, problem = signing.signing_certificate(uow, actor=actor, unit_id=unit_id)
        return PinPrompt("sign", certificate, problem)
    if needs_pin(meta):
        return PinPrompt("new" if meta["effect"] == "certificate.request" else "unlock")
    return None
