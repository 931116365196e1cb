"""Form fields the areas share."""

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField

# The years a date-time typed into Rollcall may have: year 1 on the school's clock is before
# the first instant Python can hold in UTC, and no roll call happened before 1970.
FIRST_YEAR, LAST_YEAR = 1970, 9998


class WallClockField(DateTimeLocalField):
    """A date and time on the school's wall clock, to the minute (clock.from_form makes it an
    instant); a year out of FIRST_YEAR..LAST_YEAR is refused next to the field."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%dT%H:%M", **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValueError(_l("Give a date between %(first)d and %(last)d.",
                                first=FIRST_YEAR, last=LAST_YEAR))
