"""The procedure catalogue in Python: functions a diagram may call, form and document helpers.

No web, no SQL: the engine imports this package, never the other way round.
"""
