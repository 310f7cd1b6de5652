"""The bench's one table: rows of metric, value and target, printed as Markdown."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class Row:
    """One line of the result table."""

    metric: str
    value: str
    target: str = ""

    @property
    def status(self) -> str:
        """'ok', 'MISSED' or blank, from the target's comparison."""
        if not self.target:
            return ""
        op, bound = self.target.split(" ", 1)
        value = float(self.value.split()[0].rstrip("x%"))
        limit = float(bound.rstrip("x%"))
        return "ok" if (value >= limit if op == "≥" else value <= limit) else "MISSED"


def print_table(rows: Sequence[Row], seconds: float) -> None:
    """The results as one Markdown table."""
    print(f"talksbot bench — {os.uname().machine}, {os.cpu_count()} cores, {seconds:.0f} s\n")
    print("| metric | value | target | |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row.metric} | {row.value} | {row.target} | {row.status} |")
