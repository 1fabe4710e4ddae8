"""SpiffWorkflow state without the embedded spec.

SpiffWorkflow writes the whole process spec into every saved instance; quytrinh stores the spec
once per definition (by sha256) and saves only the task tree, which halves the size and speeds up
each step (../shared/notes/spiffworkflow.md §2, §6). Restoring always re-attaches the safe script
engine: a workflow never exists in quytrinh with SpiffWorkflow's default one.
"""

from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG

from engine.spiff.parser import ParsedProcess
from engine.spiff.script_engine import SafeScriptEngine

FORMAT = "quytrinh-1"


class _SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_parts(self, dct: dict, spec, subprocess_specs: dict) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_registry = BpmnWorkflowSerializer.configure({cls: conv for cls, conv in DEFAULT_CONFIG.items() if cls is not BpmnWorkflow})
_converter = _SpecFreeWorkflowConverter(BpmnWorkflow, _registry)  # registers itself for BpmnWorkflow
_serializer = BpmnWorkflowSerializer(_registry)


def dump(workflow: BpmnWorkflow) -> str:
    """Serialize a workflow's state (tasks, data, events) without its spec."""
    text = _serializer.serialize_json(workflow)
    return text


def restore(state: str, process: ParsedProcess, script_engine: SafeScriptEngine) -> BpmnWorkflow:
    """Rebuild a workflow from :func:`dump` output and the cached spec of its definition."""
    dct = json.loads(state)
    version = dct.pop(_serializer.VERSION_KEY, _serializer.VERSION)
    if version != _serializer.VERSION and version in MIGRATIONS:
        MIGRATIONS[version](dct)
    workflow = _converter.from_parts(dct, process.spec, process.subprocess_specs)
    workflow.script_engine = script_engine
    return workflow


def new_workflow(process: ParsedProcess, script_engine: SafeScriptEngine) -> BpmnWorkflow:
    return BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=script_engine)
