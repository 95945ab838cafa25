"""Synthetic licence files for the analysis benchmarks (benchmarks/run.py, section 6). They are
made up: no clause formalises a real licence, and no file may enter `licenses/`.

- `grants_and_refusals(16, 16)`: 16 grants and 16 refusals over users, revenue, daily users, the
  domicile, uses and yes/no facts (≈ 6 KB; thresholds inline): what made the enumerating `lint` take ~32 s.
- `one_clause()`: the smallest licence lint reads, its baseline.
- `hidden_pair(uses)`: two licences that differ only when a service has `uses` particular uses at once.

    python benchmarks/synthetic.py OUT_DIR    # writes the files, to lint or diff by hand
"""

from __future__ import annotations

import sys
from pathlib import Path

USES = ["chatbot", "code-assistant", "content-generation", "research", "surveillance", "automated-decisions",
        "medical-advice", "legal-advice", "financial-advice", "impersonation"]  # fmt: skip
FLAGS = ["commercial", "serves", "distributes", "fine-tunes"]


def header(license_id: str) -> str:
    return f"""# A synthetic licence for the benchmarks: made up, formalises no real text.
license {license_id} "Synthetic {license_id}"
  licensor      "Example Licensor"
  source        "https://example.org/{license_id}"
  verified      primary "example.org/{license_id}"
"""


def grants_and_refusals(grants: int = 16, refusals: int = 16) -> str:
    """A licence whose every grant and refusal reads several facts, each grant narrow: lint asks of
    each grant and each refusal whether some service the grant permits escapes the refusal, and an
    enumeration of the cases finds that service only near the end of thousands of them."""
    parts = [header(f"synthetic-{grants}x{refusals}")]
    for i in range(grants):
        parts.append(
            f'\nclause grant-{i} §1.{i} "Grant {i}"\n  > You may use the model as grant {i} describes.\n'
            f"  when not commercial and dau > {(i + 20) * 10}K users and mau > {(i + 1) * 10}M users"
            f" and revenue > USD {(i + 1) * 5}M\n  permits\n"
        )
    for j in range(refusals):
        uses = ", ".join(USES[(j + k) % len(USES)] for k in range(2))
        parts.append(
            f'\nclause refusal-{j} §2.{j} "Restriction {j}"\n'
            f"  > You may not use the model as restriction {j} describes.\n"
            f"  when dau > {(j + 1) * 10}K users and domicile in EU and any use in {{{uses}}}\n  forbidden\n"
        )
    return "".join(parts)


def one_clause() -> str:
    return (
        header("synthetic-one")
        + '\nclause grant §1 "Grant"\n  > You may use the model.\n  when commercial\n  permits\n'
    )


def hidden_pair(uses: int = 7) -> tuple[str, str]:
    """Two licences, `synthetic-hidden-a` and `-b`: the second forbids only `uses` uses at once."""
    grant = '\nclause grant §1 "Grant"\n  > You may use the model.\n  permits\n'
    condition = " and ".join(f"any use in {{{u}}}" for u in USES[:uses])
    combination = (
        '\nclause combination §2 "Combination"\n  > You may not use the model for all of these purposes at once.\n'
        f"  when {condition}\n  forbidden\n"
    )
    return header("synthetic-hidden-a") + grant, header("synthetic-hidden-b") + grant + combination


def write_all(folder: Path) -> dict[str, Path]:
    """Write every synthetic file into `folder` (one sub-folder each, so that each lints alone)."""
    a, b = hidden_pair()
    files = {
        "grants-and-refusals": ("lint-16x16", grants_and_refusals()),
        "one-clause": ("lint-one", one_clause()),
        "hidden-a": ("hidden", a),
        "hidden-b": ("hidden", b),
    }
    written = {}
    for name, (sub, text) in files.items():
        path = folder / sub / f"{name}.terms"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written[name] = path
    return written


if __name__ == "__main__":
    for name, path in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "synthetic")).items():
        print(f"{name}: {path} ({path.stat().st_size:,} bytes)")
