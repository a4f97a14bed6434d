"""The settings come from the environment and refuse to run production without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_without_a_secret_key_and_debug_off_it_stops_with_one_clear_line():
    done = manage("check")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Configuration error: DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
        "or set DJANGO_DEBUG=true for local development."
    )


def test_with_a_secret_key_it_starts():
    done = manage("check", DJANGO_SECRET_KEY="x" * 50)
    assert done.returncode == 0, done.stderr


def test_nonsense_in_a_boolean_setting_is_refused():
    done = manage("check", DJANGO_DEBUG="maybe")
    assert done.returncode == 1
    assert "DJANGO_DEBUG must be true or false, not 'maybe'" in done.stderr
