"""The chart drawing's one retry: a browser session whose page was not ready is started again, nothing else is."""

import pytest
from kaleido.errors import JavascriptError

from printables import render

NOT_READY = JavascriptError("{'description': 'ReferenceError: kaleido_scopes is not defined'}")


def drawing(failures: list[Exception]):
    """A stand-in for the browser session: raises the given errors one per session, then draws."""
    sessions = []

    async def draw(figures, sizes):
        sessions.append(len(figures))
        if failures:
            raise failures.pop(0)
        return [b"<svg/>" for _ in figures]

    return draw, sessions


def test_a_session_whose_page_was_not_ready_is_started_again(monkeypatch, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    draw, sessions = drawing([NOT_READY, NOT_READY])
    monkeypatch.setattr(render, "_draw", draw)
    assert render.figures_svg([{"data": []}]) == ["data:image/svg+xml;base64,PHN2Zy8+"]
    assert sessions == [1, 1, 1]


@pytest.mark.parametrize(
    "failures",
    [
        [NOT_READY, NOT_READY, NOT_READY],  # the same race every time
        [JavascriptError("{'description': 'TypeError: bad figure'}")],  # a real error in the figure
    ],
)
def test_any_other_error_or_the_race_three_times_is_raised(monkeypatch, settings, failures):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    draw, sessions = drawing(list(failures))
    monkeypatch.setattr(render, "_draw", draw)
    with pytest.raises(JavascriptError):
        render.figures_svg([{"data": []}])
    assert len(sessions) == len(failures)
