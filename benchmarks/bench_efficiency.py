"""Efficiency levers of the torch MLP, measured: int8 vs float32, distillation, forecast.

Run from the repository root, on an otherwise idle machine if you can::

    .venv/bin/python benchmarks/bench_efficiency.py                  # all three parts
    .venv/bin/python benchmarks/bench_efficiency.py --parts int8 --repeats 9
    .venv/bin/python benchmarks/bench_efficiency.py --threads 2 --json /tmp/efficiency.json

It prints, in one run, with the machine load (``os.getloadavg``) before and after each part:

1. **int8 vs float32 inference throughput on the CPU**, on the medical (``monica``) and the
   finance (``hmda``) cases, for the small default MLP (64, 32) and for wider ones up to the
   teacher size: float32, ``torch.ao`` dynamic int8 and, when the optional torchao package is
   importable, torchao's int8 (``Int8DynamicActivationInt8WeightConfig``, no
   ``torch.compile``), plus bfloat16 autocast. Timings are interleaved: each repeat times
   every variant once, in an order that alternates (A B C, C B A, ...), so that drift in the
   machine's load hits all alike; the ratio is that of the medians. Accuracy deltas are on
   the test split. Target: >= 2x for the teacher at <= 1 point accuracy loss.
2. **distilled student vs teacher**: parameter ratio and accuracy gap on both cases; the
   same small network trained on the labels alone is the control. Target: >= 10x fewer
   parameters at <= 1 point loss.
3. **footprint forecast after 2 of 20 epochs**: the teacher trains 20 epochs (no early
   stopping) with each epoch tracked by CodeCarbon; the forecast from the first 2 epochs is
   compared with the measured total, with greennb's model (epoch 1 counted as warm-up) and
   carbontracker's plain mean. Target: within +-10 %.
4. **every lever through ``evaluate_variant``** (``--parts variants``): the teacher, int8,
   80 % of the weights pruned, half of the hidden units pruned, the distilled student and
   bfloat16 autocast, each with throughput, energy per 1,000 predictions, accuracy and SRI.
5. **what ``precision="auto"`` keeps** (``--parts auto``): for each case and width, the
   precision :func:`greennb.efficiency.choose_precision` keeps on this machine, every
   supported precision's throughput over float32 as it measured them, and how long the
   choice took (s).

CodeCarbon's CSV files go to a temporary folder. Energy on a machine without RAPL is
*estimated* (CodeCarbon's CPU-load x TDP model); the report says so per figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import torch
from sklearn.metrics import accuracy_score

import greennb as gnb
from greennb import efficiency, energy
from greennb.evaluation import evaluate_variant, variant_table

CASES = ("monica", "hmda")
SMALL = (64, 32)
WIDTHS = ((64, 32), (256, 256), (512, 512), (1024, 1024))
TEACHER = (1024, 1024)
STUDENT = (16,)


def machine() -> dict:
    info = {
        "cpu": gnb.describe_device("cpu")["name"],
        "logical_cpus": os.cpu_count(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "rapl": os.path.exists("/sys/class/powercap/intel-rapl"),
    }
    for package in ("torch", "torchao", "codecarbon", "scikit-learn", "greennb"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = "not installed"
    return info


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def train(case: str, widths: tuple[int, ...], *, seed: int = 0, max_epochs: int = 40):
    data = gnb.load_dataset(case)
    split = gnb.split_dataset(data, random_state=seed)
    model = gnb.make_model(
        "mlp",
        task="classification",
        hidden_layer_sizes=widths,
        max_epochs=max_epochs,
        device="cpu",
        random_state=seed,
    )
    return data, split, model.fit(split.X_train, split.y_train)


def accuracy(model, split) -> float:
    return float(accuracy_score(split.y_test, model.predict(split.X_test)))


def torchao_variant(model):
    try:
        return efficiency.quantize_dynamic(model, backend="torchao")
    except ImportError:
        return None


def interleaved_throughput(variants: dict, batch: np.ndarray, *, repeats: int, calls: int):
    """Median predictions per second of each variant; repeats interleaved, order alternating."""
    names = list(variants)
    for name in names:  # warm-up
        variants[name][-1].predict(batch)
    times = {name: [] for name in names}
    for repeat in range(repeats):
        for name in names if repeat % 2 == 0 else reversed(names):
            estimator = variants[name][-1]
            tic = time.perf_counter()
            for _ in range(calls):
                estimator.predict(batch)
            times[name].append((time.perf_counter() - tic) / calls)
    return {name: len(batch) / statistics.median(values) for name, values in times.items()}


def part_int8(args) -> list[dict]:
    rows = []
    for case in CASES:
        for widths in WIDTHS:
            data, split, model = train(case, widths)
            variants = {"float32": model, "int8 torch.ao": efficiency.quantize_dynamic(model)}
            torchao = torchao_variant(model)
            if torchao is not None:
                variants["int8 torchao"] = torchao
            variants["bfloat16 autocast"] = efficiency.mixed_precision(model)
            features = np.asarray(model[:-1].transform(split.X_test), dtype=np.float32)
            batch = features[np.arange(args.batch_size) % len(features)]  # rows repeated
            speed = interleaved_throughput(variants, batch, repeats=args.repeats, calls=args.calls)
            base_accuracy = accuracy(model, split)
            for name, variant in variants.items():
                rows.append(
                    {
                        "case": case,
                        "hidden_layer_sizes": str(widths),
                        "parameters": gnb.count_parameters(model).count,
                        "variant": name,
                        "predictions_per_s": speed[name],
                        "speedup_vs_float32": speed[name] / speed["float32"],
                        "accuracy": accuracy(variant, split),
                        "accuracy_delta_points": 100 * (accuracy(variant, split) - base_accuracy),
                        "size_bytes": efficiency.model_size_bytes(variant),
                    }
                )
            print_rows(rows[-len(variants) :])
    return rows


def part_auto(args) -> list[dict]:
    """What ``precision="auto"`` keeps on this machine, how long the choice takes, and why."""
    rows = []
    for case in CASES:
        for widths in WIDTHS:
            data, split, model = train(case, widths)
            started = time.perf_counter()
            choice = efficiency.choose_precision(model, split.X_test)
            seconds = time.perf_counter() - started
            ratios = {
                name: statistics.median(samples) / statistics.median(choice.throughputs["float32"])
                for name, samples in choice.throughputs.items()
            }
            rows.append(
                {
                    "case": case,
                    "hidden_layer_sizes": str(widths),
                    "chosen": choice.chosen,
                    **{f"{name}_vs_float32": ratio for name, ratio in ratios.items()},
                    "choice_s": seconds,
                }
            )
            print_rows(rows[-1:])
    return rows


def part_distillation(args) -> list[dict]:
    rows = []
    for case in CASES:
        data, split, teacher = train(case, TEACHER)
        student = efficiency.distill(
            teacher, split.X_train, split.y_train, hidden_layer_sizes=STUDENT, random_state=0
        )
        control = efficiency.distill(
            teacher,
            split.X_train,
            split.y_train,
            hidden_layer_sizes=STUDENT,
            alpha=0.0,
            random_state=0,
        )
        teacher_count = gnb.count_parameters(teacher).count
        for name, model in (("teacher", teacher), ("student", student), ("labels only", control)):
            count = gnb.count_parameters(model).count
            rows.append(
                {
                    "case": case,
                    "model": name,
                    "hidden_layer_sizes": str(model[-1].hidden_layer_sizes),
                    "parameters": count,
                    "parameter_ratio": teacher_count / count,
                    "accuracy": accuracy(model, split),
                    "gap_points": 100 * (accuracy(model, split) - accuracy(teacher, split)),
                }
            )
        print_rows(rows[-3:])
    return rows


def part_forecast(args) -> list[dict]:
    rows = []
    for case in CASES:
        for repeat in range(args.forecast_repeats):
            data = gnb.load_dataset(case)
            split = gnb.split_dataset(data, random_state=0)
            model = gnb.make_model(
                "mlp",
                task="classification",
                hidden_layer_sizes=TEACHER,
                max_epochs=20,
                early_stopping=False,
                device="cpu",
                random_state=repeat,
            )
            report = energy.fit_with_energy_forecast(model, split.X_train, split.y_train)
            plain = energy.training_energy_outcome(
                report.epochs, planned_epochs=20, warmup_epochs=0
            )
            rows.append(
                {
                    "case": case,
                    "repeat": repeat,
                    "actual_wh": 1000 * report.actual_energy_kwh,
                    "actual_s": report.actual_duration_s,
                    "status": report.status,
                    "forecast_wh": 1000 * report.forecast.energy_kwh,
                    "energy_error": report.energy_error,
                    "duration_error": report.duration_error,
                    "plain_mean_energy_error": plain.energy_error,
                    "epoch_1_s": report.epochs[0].duration_s,
                    "epoch_2_s": report.epochs[1].duration_s,
                    "later_epochs_median_s": statistics.median(
                        r.duration_s for r in report.epochs[2:]
                    ),
                }
            )
            print_rows(rows[-1:])
    return rows


def part_variants(args) -> list[dict]:
    """Every lever through evaluate_variant: the tidy record, energy and fairness at once."""
    rows = []
    for case in CASES:
        data, split, teacher = train(case, TEACHER)
        variants = {
            "teacher": teacher,
            "int8": efficiency.quantize_dynamic(teacher),
            "pruned 80% weights": efficiency.prune_unstructured(teacher, sparsity=0.8),
            "pruned 50% units": efficiency.prune_hidden_units(teacher, fraction=0.5),
            "student (16,)": efficiency.distill(
                teacher, split.X_train, split.y_train, hidden_layer_sizes=STUDENT
            ),
            "bfloat16": efficiency.mixed_precision(teacher),
        }
        evaluations = [
            evaluate_variant(model, split, dataset=data, name=name)
            for name, model in variants.items()
        ]
        table = variant_table(evaluations)
        columns = [
            "variant",
            "parameters",
            "size_bytes",
            "throughput_per_s",
            "speedup",
            "inference_wh_per_1000",
            "inference_energy_status",
            "accuracy",
            "accuracy_delta_points",
            "sri",
            "worst_group",
        ]
        print(table[columns].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
        for evaluation in evaluations:
            groups = evaluation.to_dict()["by_group"]
            tpr = {group: values["true_positive_rate"] for group, values in groups.items()}
            rows.append({"case": case, **evaluation.to_row(), "tpr_by_group": tpr})
    return rows


def print_rows(rows: list[dict]) -> None:
    for row in rows:
        print(
            "  "
            + ", ".join(
                f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()
            ),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--parts", nargs="+", default=["auto", "int8", "distill", "forecast", "variants"]
    )
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--batch-size", type=int, default=1024, help="rows per predicted batch")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved timing repeats")
    parser.add_argument("--calls", type=int, default=10, help="batches per timing")
    parser.add_argument("--forecast-repeats", type=int, default=2)
    parser.add_argument("--json", help="write all results to this JSON file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    output = tempfile.mkdtemp(prefix="greennb-bench-")
    gnb.configure(country="USA", output_dir=output)
    results = {"machine": machine(), "settings": vars(args)}
    print(json.dumps(results["machine"]))
    parts = {
        "auto": part_auto,
        "int8": part_int8,
        "distill": part_distillation,
        "forecast": part_forecast,
        "variants": part_variants,
    }
    for name in args.parts:
        print(f"== {name}: before, {load()}", flush=True)
        started = time.perf_counter()
        results[name] = parts[name](args)
        print(f"== {name}: after {time.perf_counter() - started:.0f} s, {load()}", flush=True)
        results[f"{name}_load_after"] = load()
    energy.close_session()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
