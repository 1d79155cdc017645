"""The Python side of bench/scenarios/startup.ts, measured as process-pool.mjs measures ours.

From Pool() to its first result, then map of no-op items with chunksize 1 in wall and CPU time
(this process and its workers, from /proc). Prints one JSON object.
"""
import json
import os
import time
from multiprocessing import Pool

WORKERS = 2
ITEMS = 2000
MAP_ROUNDS = 5
TICKS = os.sysconf("SC_CLK_TCK")


def noop(_):
    return None


def cpu_us(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1e6 / TICKS


def main():
    started = time.perf_counter()
    pool = Pool(WORKERS)
    pool.apply(noop, (0,))
    first_result_ms = (time.perf_counter() - started) * 1000
    pool.map(noop, range(ITEMS), chunksize=1)
    pids = [worker.pid for worker in pool._pool]
    children = sum(cpu_us(pid) for pid in pids)
    own = time.process_time()
    started = time.perf_counter()
    for _ in range(MAP_ROUNDS):
        pool.map(noop, range(ITEMS), chunksize=1)
    count = ITEMS * MAP_ROUNDS
    map_us = (time.perf_counter() - started) * 1e6 / count
    cpu = (time.process_time() - own) * 1e6 + sum(cpu_us(pid) for pid in pids) - children
    print(json.dumps({"firstResultMs": first_result_ms, "mapChunk1Us": map_us, "mapChunk1CpuUs": cpu / count}))
    pool.terminate()


if __name__ == "__main__":
    main()
