"""The quytrinh engine: SpiffWorkflow wrapped as services with persistence, assignment and a journal.

Layering (ARCHITECTURE.md): ``webapp -> engine -> (workflows, signatures)``. Nothing here imports Flask.
"""
