"""A long fuzzing run, in-process, one input kind after another (issue 14's fuzzing habit).

Each kind starts from its seed corpus (tests/fuzz_corpus/<kind>/) and mutates it at random: lines
deleted, duplicated, swapped, re-indented; random text, odd YAML values, nesting and long numbers
spliced in; truncation. Every input goes to the same target the test suite fuzzes
(tests/properties/fuzz_targets.py), called directly rather than through a subprocess.

    nice python benchmarks/fuzz.py --seconds 120             # every kind, 120 s each
    nice python benchmarks/fuzz.py --kinds profile --inputs 100000

Prints, per kind: inputs run, inputs per second, crashes (what would be exit 3) and hangs (an input
that took more than 2 s of CPU time, or waited more than 10 s). A crashing input is written to
tests/fuzz_corpus/<kind>/crash-<n>.txt (a hanging one to hang-<n>.txt) so that it becomes a seed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from properties import fuzz_targets

HANG_SECONDS = 2.0  # of CPU time: on a shared machine under `nice`, the wall clock says little
BLOCKED_SECONDS = 10.0  # of wall-clock time: an input that waits (a FIFO, a lock) rather than works
ODD = [
    "", "~", "NO", "on", "yes", "-1", ".nan", ".inf", "[]", "{}", "*x", "&x a", "2024-13-45", "9" * 50, "1e24",
    "700000000.00000001", "2M", "'unterminated", "[a, [b", "!!python/object:os.system", "\x00", "\x07", "<b>",
    "`", "|", "--", "-l", "--commercial", "--non-commercial", "--mau", "2024-06=5", "llama-3.1", "mit",
]  # fmt: skip


def mutate(rng: random.Random, seed: str) -> str:
    lines = seed.splitlines() or [""]
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        how = rng.randrange(9)
        if how == 0 and len(lines) > 1:
            del lines[i]
        elif how == 1:
            lines.insert(i, lines[i])
        elif how == 2 and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif how == 3:
            at = rng.randint(0, len(lines[i]))
            noise = "".join(
                chr(rng.choice([rng.randint(0, 127), rng.randint(128, 0x2FFF)])) for _ in range(rng.randint(1, 6))
            )
            lines[i] = lines[i][:at] + noise + lines[i][at:]
        elif how == 4:
            head = lines[i].split(":", 1)[0] if ":" in lines[i] else lines[i]
            lines[i] = f"{head}: {rng.choice(ODD)}" if ":" in lines[i] else f"{head} {rng.choice(ODD)}"
        elif how == 5:
            lines[i] = rng.choice(["", " ", "  ", "    ", "\t"]) + lines[i].lstrip()
        elif how == 6:
            depth = rng.choice([10, 100, 1000, 5000])
            at = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:at] + "[" * depth + "]" * depth + lines[i][at:]
        elif how == 7:
            lines[i] = lines[i][: rng.randint(0, len(lines[i]))]
        else:
            other = lines[rng.randrange(len(lines))]
            lines.insert(rng.randint(0, len(lines)), other)
    return "\n".join(lines) + rng.choice(["\n", ""])


def run_kind(kind: str, *, inputs: int, seconds: float, rng: random.Random) -> tuple[int, int, int, float]:
    seeds = fuzz_targets.corpus(kind)
    target = fuzz_targets.TARGETS[kind]
    folder = fuzz_targets.scratch_folder(kind)
    done = crashes = hangs = 0
    start = time.perf_counter()
    while done < inputs and time.perf_counter() - start < seconds:
        text = mutate(rng, rng.choice(seeds))
        began, began_cpu = time.perf_counter(), time.process_time()
        try:
            target(text, folder) if kind == "policy" else target(text)
        except Exception:
            crashes += 1
            out = fuzz_targets.CORPUS / kind / f"crash-{crashes}.txt"
            if crashes <= 5:
                out.write_text(text, encoding="utf-8", errors="surrogatepass")
                print(f"  crash in {kind}, saved to {out}:\n{traceback.format_exc(limit=3)}", file=sys.stderr)
        cpu, wall = time.process_time() - began_cpu, time.perf_counter() - began
        if cpu > HANG_SECONDS or wall > BLOCKED_SECONDS:
            hangs += 1
            shown = ascii(text[:160])
            if hangs <= 5:
                out = fuzz_targets.CORPUS / kind / f"hang-{hangs}.txt"
                out.write_text(text, encoding="utf-8", errors="surrogatepass")
                shown += f", saved to {out}"
            print(f"  input of {kind} took {cpu:.1f} s CPU, {wall:.1f} s: {shown}", file=sys.stderr)
        done += 1
        if done % 10_000 == 0:  # a long run that is stopped still says how far it got
            took = time.perf_counter() - start
            print(f"  {kind}: {done:,} inputs, {done / took:,.0f}/s, {crashes} crashes, {hangs} hangs", file=sys.stderr)
    return done, crashes, hangs, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="*", default=list(fuzz_targets.KINDS), choices=fuzz_targets.KINDS)
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs per kind at most")
    parser.add_argument("--seconds", type=float, default=300.0, help="time per kind at most")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"{'kind':<10} {'inputs':>9} {'inputs/s':>9} {'exit-3':>7} {'hangs>2s':>9}")
    for kind in args.kinds:
        done, crashes, hangs, took = run_kind(kind, inputs=args.inputs, seconds=args.seconds, rng=rng)
        print(f"{kind:<10} {done:>9,} {done / took:>9,.0f} {crashes:>7} {hangs:>9}", flush=True)


if __name__ == "__main__":
    main()
