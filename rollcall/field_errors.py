"""What the services share to turn a form's raw values into checked ones, field by field.

A service collects every problem in `errors` (field -> message) and raises once, so the page
shows them all at the same time and nothing is written.
"""


def enum_member(enum_class, code, errors: dict, field: str, message):
    """The member of enum_class that code names; else None, with message as field's error."""
    try:
        return enum_class(code)
    except ValueError:
        errors[field] = message
        return None
