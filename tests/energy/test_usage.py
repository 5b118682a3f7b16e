"""Usage and UsageSampler: real counters around a busy loop, and machine_shared's verdicts."""

import json
import subprocess
import sys
from collections import namedtuple

import pytest

from greennb.energy._usage import (
    DEFAULT_SHARED_THRESHOLD,
    MIN_JUDGED_WALL_S,
    TOKEN_TYPE_MSG,
    USAGE_TYPE_MSG,
    Usage,
    UsageSampler,
    _machine_busy_s,
    machine_shared,
)
from greennb.errors import InvalidTypeError, InvalidValueError


def busy_loop(n=300_000):
    return sum(i * i for i in range(n))


def test_sampler_around_a_busy_loop_reads_this_process():
    sampler = UsageSampler()
    token = sampler.start()
    busy_loop()
    usage = sampler.stop(token)
    assert usage.wall_s > 0
    assert usage.process_cpu_s > 0
    assert usage.machine_busy_s >= 0
    assert usage.other_cpu_s >= 0
    assert usage.other_cpu_s == max(usage.machine_busy_s - usage.process_cpu_s, 0.0)
    assert isinstance(usage.n_cpus, int) and usage.n_cpus >= 1
    assert isinstance(usage.rss_gb, float) and 0 < usage.rss_gb < 1e4
    assert usage.load_avg_1m is None or isinstance(usage.load_avg_1m, float)
    assert 0 <= usage.utilisation


def test_children_that_ended_count_as_process_cpu_time():
    sampler = UsageSampler()
    token = sampler.start()
    subprocess.run([sys.executable, "-c", "sum(i * i for i in range(300_000))"], check=True)
    parent_only = sampler.stop(token)
    # the parent mostly waits: its CPU time is the child's (interpreter start + loop)
    assert parent_only.process_cpu_s > 0


def test_one_sampler_measures_several_phases():
    sampler = UsageSampler()
    first, second = sampler.start(), sampler.start()
    busy_loop(50_000)
    inner = sampler.stop(second)
    outer = sampler.stop(first)
    assert outer.wall_s >= inner.wall_s


def test_stop_needs_the_token_of_start():
    with pytest.raises(InvalidTypeError, match="token that this sampler's start"):
        UsageSampler().stop(1.0)
    assert "start()" in TOKEN_TYPE_MSG


def test_machine_busy_time_skips_idle_iowait_steal_and_guest():
    fields = "user nice system idle iowait irq softirq steal guest guest_nice"
    Times = namedtuple("Times", fields)
    fake = type("FakePsutil", (), {"cpu_times": staticmethod(lambda: Times(*range(1, 11)))})
    # user 1 + nice 2 + system 3 + irq 6 + softirq 7 (guest already inside user on Linux)
    assert _machine_busy_s(fake) == 19


def usage(wall_s, other_cpu_s, load=None):
    return Usage(wall_s, 1.0, 1.0 + other_cpu_s, other_cpu_s, 2, 0.5, load)


def test_shared_when_other_processes_used_more_than_the_threshold():
    shared, reason = machine_shared(usage(2.0, 1.3, load=2.5))
    assert shared
    assert reason == (
        "machine shared: other processes used 1.30 CPU-s over 2.00 s "
        "(0.65 of a CPU; threshold 0.25); 1-minute load average 2.50 on 2 CPUs"
    )


def test_not_shared_below_the_threshold():
    shared, reason = machine_shared(usage(2.0, 0.1))
    assert not shared
    assert reason == (
        "not shared: other processes used 0.10 CPU-s over 2.00 s (0.05 of a CPU; threshold 0.25)"
    )


def test_threshold_is_in_cpu_seconds_per_second():
    assert DEFAULT_SHARED_THRESHOLD == 0.25
    assert not machine_shared(usage(4.0, 1.0))[0]  # exactly 0.25 of a CPU: not above
    assert machine_shared(usage(4.0, 1.0), threshold=0.2)[0]
    with pytest.raises(InvalidValueError, match="threshold"):
        machine_shared(usage(4.0, 1.0), threshold=-1)


def test_very_short_phases_are_too_short_to_judge():
    assert MIN_JUDGED_WALL_S == 0.2
    shared, reason = machine_shared(usage(0.05, 0.05))
    assert not shared
    assert reason == "too short to judge sharing: 0.050 s < 0.2 s"
    assert machine_shared(usage(0.05, 0.05), min_wall_s=0.01)[0]
    assert machine_shared(Usage(0.0, 0.0, 0.0, 0.0, 1, 0.1))[1].startswith("too short")


def test_machine_shared_needs_a_usage():
    with pytest.raises(InvalidTypeError, match="needs a Usage"):
        machine_shared({"wall_s": 1.0})
    assert "UsageSampler.stop" in USAGE_TYPE_MSG


def test_usage_checks_its_fields():
    with pytest.raises(InvalidValueError, match="wall_s"):
        Usage(-1.0, 0.0, 0.0, 0.0, 2, 0.1)
    with pytest.raises(InvalidValueError, match="n_cpus"):
        Usage(1.0, 0.0, 0.0, 0.0, 0, 0.1)
    with pytest.raises(InvalidTypeError, match="rss_gb"):
        Usage(1.0, 0.0, 0.0, 0.0, 2, "1 GB")


def test_to_dict_is_json_ready():
    record = usage(2.0, 0.5, load=1.0).to_dict()
    assert record == {
        "wall_s": 2.0,
        "process_cpu_s": 1.0,
        "machine_busy_s": 1.5,
        "other_cpu_s": 0.5,
        "n_cpus": 2,
        "rss_gb": 0.5,
        "load_avg_1m": 1.0,
    }
    json.dumps(record, allow_nan=False)
    sampler = UsageSampler()
    json.dumps(sampler.stop(sampler.start()).to_dict(), allow_nan=False)
