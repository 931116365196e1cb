"""The templates' Jinja environment: Flask's, with each template's globals read as one dict.

Jinja gives every template a ChainMap of its own globals over the environment's, and walks it
in Python for every template it renders or includes (the context copies every global) and for
every `{% from … import %}` (it compares the keys). Rollcall's templates have no globals of
their own, so they share the environment's dict: the same names and values, read in C. A
template given globals of its own keeps Jinja's ChainMap.
"""

from flask.templating import Environment


class TemplateEnvironment(Environment):
    """Flask's environment, whose templates without globals of their own read the shared ones."""

    def make_globals(self, d):
        if d:
            return super().make_globals(d)
        # The environment's own dict, not a copy: a global added later is seen, as with
        # Jinja's ChainMap. (Jinja writes into a template's globals only when given some.)
        return self.globals
