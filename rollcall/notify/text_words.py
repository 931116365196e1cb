"""A text as staff read it, the same on every page, in the texts CSV and in the audit trail:
its status, what it waits for (the scheduler, the sending window, the SMS provider) or that it
failed, and its error, in rollcall.vocabulary's words."""

from dataclasses import dataclass

from rollcall.notify.health import text_wait
from rollcall.notify.models import TextStatus, TextWait
from rollcall.vocabulary import named, text_error, text_status


@dataclass(frozen=True)
class TextWords:
    status: str
    wait: TextWait | None  # its code, for the page's class names
    waiting_for: str  # "" when it waits for nothing
    error: str  # "" when there is no error to show

    @property
    def state(self) -> str:
        """'Waiting to send · Waiting for the SMS provider'."""
        return " · ".join(part for part in (self.status, self.waiting_for) if part)


def text_words(text) -> TextWords:
    """The words of one outbox text, as they are now."""
    wait = text_wait(text)
    shows_error = text.status == TextStatus.FAILED or text.error_code or text.provider_error
    return TextWords(text_status(text), wait, named(TextWait, wait) if wait else "",
                     text_error(text) if shows_error else "")
