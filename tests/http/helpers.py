"""Turn P1 step data into what a browser would post from the task page."""


def as_form(data: dict) -> dict:
    form = {}
    for key, value in data.items():
        if value is True:
            form[key] = "true"
        elif value is False:
            continue
        elif isinstance(value, list):
            form[key] = [str(v) for v in value]
        else:
            form[key] = str(value)
    return form


def completions(people, case: str, element: str) -> int:
    view = people.admin.sees(case)
    return sum(1 for e in view.events if e.type == "task.completed" and e.data.get("element") == element)
