"""How BPMN files drawn in other tools map onto this organisation, declared by the administrator.

engine/dialects.py reads these tables when a file from Camunda, Flowable, Activiti or Zeebe is validated
or deployed (docs/interop.md):

* ``ASSIGNMENTS``: a group (``candidateGroups``), a user (``assignee``, ``candidateUsers``) or a lane name
  of the other tool -> a quytrinh assignment, ``role@scope`` (docs/lanes.md) or ``data:FIELD``. A group
  that is not listed is read as a role code itself (``candidateGroups="cell_secretary@parent"``); a user
  that is not listed is refused, because a step goes to a role in a unit, not to a fixed person. The key
  ``"*"``, when declared, gives the imported steps that name nobody (no lane role, no assignee, no group)
  to that assignment; without it such steps are refused.
* ``SERVICES``: a service binding of the other tool -> the name of a function in workflows/functions.py.
  Keys: ``class:<Java class>``, ``delegateExpression:<bean>``, ``expression:<bean.method>`` (the call's
  arguments become the function's arguments), ``topic:<external task topic>``, ``type:<Flowable or Zeebe
  task type>``. A service task whose binding is not listed is refused, naming the element and the binding.
  The ``expression:<bean.method>`` key also binds an assignee computed by a bean call
  (``camunda:assignee="#{directory.findEditor(id)}"``): the function returns the username the step goes to.

A bound function receives, for each of its parameters, the argument of the call, else the task's
``camunda:inputParameter`` of that name, else the case variable of that name. What it returns is kept
under ``resultVariable`` (``<element id>_result`` when none is declared); a returned dict is also merged
into the case data, as a Camunda delegate's ``setVariable`` would. Like every function, it must be
deterministic: replays call it again.
"""

from __future__ import annotations

ASSIGNMENTS: dict[str, str] = {}

SERVICES: dict[str, str] = {}
