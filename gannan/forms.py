"""Query-string filters of pages and exports.

A bad value answers 400 naming the filter, never a 500 or a silent "all".
"""

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def has_control_characters(value: str) -> bool:
    """NUL and other control characters (tab excepted): never part of a name, a number or a search."""
    return any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in value)


class SearchField(forms.CharField):
    """A search box: plain text of sensible length; control characters are refused."""

    default_error_messages = {"control": gettext_lazy("不能包含控制字符（如 NUL）。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)
        # Django's own NUL check says "Null characters are not allowed": ours names every control character.
        self.validators = [v for v in self.validators if type(v).__name__ != "ProhibitNullCharactersValidator"]

    def to_python(self, value):
        value = super().to_python(value)
        if has_control_characters(value):
            raise ValidationError(self.error_messages["control"], code="control")
        return value


def filters_or_400(form: forms.Form) -> dict[str, Any]:
    """The filter form's values ({} when none given); ValidationError (the styled 400 page) naming each bad filter."""
    if not form.is_bound:
        return {}
    if not form.is_valid():
        raise ValidationError(
            [
                _("筛选条件“%(field)s”（%(name)s）：%(reason)s")
                % {"field": form.fields[name].label if name in form.fields else name, "name": name, "reason": message}
                for name, messages in form.errors.items()
                for message in messages
            ]
        )
    return dict(form.cleaned_data)
