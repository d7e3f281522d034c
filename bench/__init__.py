"""Stratus benchmarks: a load generator reporting ops/s and latency per workload (not tests).

`python -m bench` measures request throughput; `python -m bench.startup` measures start-up
time, idle memory and the cost of a service's first request. See bench/README.md.
"""
