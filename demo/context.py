"""What every demo step receives: the scale, the seed, and a random generator of its own."""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

BATCH = "seed_demo"


@dataclass
class DemoContext:
    scale: float
    seed: int
    out: Callable[[str], None] = print
    # Counts each step reports (summed into the run's audit entry) and what it leaves for later steps.
    counts: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        """A generator per step, so a step appended later does not change the data of earlier ones."""
        return random.Random(f"{self.seed}:{step}")

    def people(self, n: float) -> int:
        """`n` people at scale 1, scaled."""
        return round(n * self.scale)


def apportion(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder), none above its cap."""
    n = len(weights)
    room = list(caps) if caps is not None else [total] * n
    result = [0] * n
    left = min(total, sum(room))
    while left > 0:
        open_ = [i for i in range(n) if room[i] > 0]
        weight_sum = sum(max(weights[i], 0) for i in open_)
        quotas = {i: left * (max(weights[i], 0) / weight_sum if weight_sum else 1 / len(open_)) for i in open_}
        for i in open_:
            take = min(int(quotas[i]), room[i])
            result[i] += take
            room[i] -= take
            left -= take
        for i in sorted(open_, key=lambda i: quotas[i] - int(quotas[i]), reverse=True):
            if left == 0:
                break
            if room[i] > 0:
                result[i] += 1
                room[i] -= 1
                left -= 1
    return result
