"""Phone numbers never reach a log whole: masking, and database errors without parameters."""

import re

import pytest
from sqlalchemy.exc import IntegrityError

from rollcall.extensions import db
from rollcall.models import Guardian
from rollcall.phones import mask


@pytest.mark.any_database
@pytest.mark.parametrize("number", ["+8613812345678", "+6591234567", "+14155552671",
                                    "+861065123456", "+447700900123"])
def test_mask_hides_at_least_half_of_the_digits(number):
    masked = mask(number)
    shown = re.sub(r"\D", "", masked)
    assert len(masked) == len(number)
    assert len(shown) <= (len(number) - 1) // 2
    assert masked.endswith(number[-2:])


@pytest.mark.any_database
def test_mask_of_nothing_is_a_dash():
    assert mask(None) == "-" and mask("") == "-"


def test_a_database_error_does_not_carry_the_phone_number(app, school):
    with app.app_context():
        # The insert itself fails (no such school), so its parameters are the phone number.
        db.session.add(Guardian(school_id=999_999, name="家长",
                                phone_e164="+8613912345678", phone_raw="139 1234 5678"))
        with pytest.raises(IntegrityError) as raised:
            db.session.commit()
        db.session.rollback()
    assert "INSERT INTO guardians" in str(raised.value)
    assert "1234" not in str(raised.value)
