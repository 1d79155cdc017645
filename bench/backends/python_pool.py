"""The Python side of bench/scenarios/backends.ts: multiprocessing.Pool on the same workloads.

Prints one JSON object; every figure is measured the same way as on the Node side.
"""
import json
import os
import sys
import time
from multiprocessing import Pool

WORKERS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
CPU_TASKS = 2000
OVERHEAD_TASKS = 2000


def noop(_):
    return None


def hello(name):
    return f"Hello, {name}!"


def spin(iterations):
    accumulator = 0
    for i in range(iterations):
        accumulator = (accumulator + i * i) % 1_000_003
    return accumulator


def calibrate(target_ms):
    iterations = 1000
    while True:
        started = time.perf_counter()
        spin(iterations)
        ms = (time.perf_counter() - started) * 1000
        if ms >= 50:
            return max(1, round(iterations * target_ms / ms))
        iterations *= 2


def memory(pid):
    figures = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                figures[key.lower()] = int(rest.split()[0])
    return figures


def ms_since(started):
    return (time.perf_counter() - started) * 1000


def main():
    figures = {}
    started = time.perf_counter()
    with Pool(WORKERS) as pool:
        pool.map(hello, ["Ann", "Bob", "Cy"])
    figures["helloMs"] = ms_since(started)

    started = time.perf_counter()
    pool = Pool(WORKERS)
    pool.apply(noop, (0,))
    figures["firstResultMs"] = ms_since(started)
    pool.map(noop, range(100), chunksize=1)
    children = [memory(worker.pid) for worker in pool._pool]
    figures["rssKiB"] = sum(child["rss"] for child in children) / len(children)
    figures["pssKiB"] = sum(child["pss"] for child in children) / len(children)

    started = time.perf_counter()
    pending = [pool.apply_async(noop, (i,)) for i in range(OVERHEAD_TASKS)]
    for result in pending:
        result.get()
    figures["applyUs"] = ms_since(started) * 1000 / OVERHEAD_TASKS

    started = time.perf_counter()
    pool.map(noop, range(OVERHEAD_TASKS), chunksize=1)
    figures["mapChunk1Us"] = ms_since(started) * 1000 / OVERHEAD_TASKS

    iterations = calibrate(1)
    started = time.perf_counter()
    expected = [spin(iterations) for _ in range(CPU_TASKS)]
    figures["serialMs"] = ms_since(started)
    started = time.perf_counter()
    results = pool.map(spin, [iterations] * CPU_TASKS)
    figures["parallelMs"] = ms_since(started)
    assert results == expected
    pool.close()
    pool.join()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
