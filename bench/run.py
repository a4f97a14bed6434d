"""Run every benchmark in bench/ and print its table (`make bench`)."""

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gannan.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

BENCHES = ["metrics", "import", "funds", "funds_section", "export", "printables", "quality"]


def main() -> None:
    for name in BENCHES:
        path = ROOT / "bench" / f"{name}.py"
        if not path.exists():
            continue
        print(f"\n=== bench/{name}.py")
        module = importlib.import_module(f"bench.{name}")
        module.main()


if __name__ == "__main__":
    main()
