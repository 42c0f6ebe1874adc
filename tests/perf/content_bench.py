"""How long the Seoul pack takes to read, check and show. Prints figures; never fails on timing.

Run with `make bench` (all benchmarks) or `.venv/bin/python tests/perf/content_bench.py`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from madang.content.checks import check_pack
from madang.content.cli import SHIPPED_PACK
from madang.content.loader import load_pack
from madang.content.source import read_yaml, yaml_files

RUNS = 15


def median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    files = list(yaml_files(SHIPPED_PACK))
    size_kb = sum(path.stat().st_size for path in files) / 1024
    parse = median_ms(lambda: [read_yaml(path, path.name) for path in files])
    load = median_ms(lambda: load_pack(SHIPPED_PACK))
    pack = load_pack(SHIPPED_PACK).pack
    check = median_ms(lambda: check_pack(pack))
    madang = Path(sys.executable).parent / "madang"
    command = median_ms(
        lambda: subprocess.run([str(madang), "content", "validate"], capture_output=True, check=True), runs=5
    )
    print(f"Seoul pack: {len(files)} files, {size_kb:.0f} KiB, {len(pack)} items")
    print(f"  parse YAML with positions   median {parse:7.1f} ms")
    print(f"  load (parse + schema)       median {load:7.1f} ms  (schema share {100 * (load - parse) / load:.0f}%)")
    print(f"  cross-item checks           median {check:7.1f} ms")
    print(f"  'madang content validate'   median {command:7.1f} ms  (whole process, 5 runs)")


if __name__ == "__main__":
    main()
