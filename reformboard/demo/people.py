"""Believable Chinese personal names, drawn once per demo and reused for speed."""

from __future__ import annotations

import random

from reformboard.demo.vocabulary import GIVEN_CHARACTERS, SURNAMES

POOL_SIZE = 6000


def name_pool(rng: random.Random, size: int = POOL_SIZE) -> tuple[str, ...]:
    """Full names: surnames weighted towards the common ones, given names of one or two characters."""
    weights = [1 / (rank + 4) for rank in range(len(SURNAMES))]  # a gently falling frequency curve
    surnames = rng.choices(SURNAMES, weights=weights, k=size)
    names = []
    for surname in surnames:
        length = 1 if rng.random() < 0.25 else 2
        names.append(surname + "".join(rng.choices(GIVEN_CHARACTERS, k=length)))
    return tuple(names)
