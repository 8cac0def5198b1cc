#!/usr/bin/env python3
"""Sharded analysis with Apache Spark (local mode): distributes the article list of a corpus
and pipes each partition through `khabar analyze --files-from - --base ROOT --format jsonl`
(RDD.pipe), writing the per-document khabar.document/1 records as JSONL part files.

    pip install pyspark   # Java 17
    python3 scripts/spark_analyze.py ROOT OUT_DIR [--khabar target/release/khabar] [--partitions N] [--cores N]

Merge the result with khabar::index::merge::corpus_from_jsonl (see docs/scaling.md)."""

import argparse
import os
import shlex
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root")
    ap.add_argument("out")
    ap.add_argument("--khabar", default="target/release/khabar")
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--cores", type=int, default=2)
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    khabar = os.path.abspath(a.khabar)
    files = []
    for d, _, names in os.walk(root):
        for n in names:
            if n.lower().endswith(".txt"):
                files.append(os.path.relpath(os.path.join(d, n), root))
    files.sort()

    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setMaster(f"local[{a.cores}]").setAppName("khabar-analyze")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    t = time.time()
    # each task runs one khabar process single-threaded, Spark runs `cores` tasks at once
    cmd = f"{shlex.quote(khabar)} analyze --files-from - --base {shlex.quote(root)} --format jsonl"
    env = {"RAYON_NUM_THREADS": "1"}
    records = sc.parallelize(files, a.partitions).pipe(cmd, env=env)
    records.saveAsTextFile(a.out)
    elapsed = time.time() - t
    sc.stop()
    print(f"spark local[{a.cores}]: {len(files)} files, {a.partitions} partitions, {elapsed:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
