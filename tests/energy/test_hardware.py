"""Tests of greennb.energy._hardware: each CodeCarbon path read into its method and numbers.

The RAPL and NVML paths are proven with CodeCarbon's own objects: its RAPL reader pointed at a
fake powercap tree under tmp_path, and its NVIDIA device class over a fake NVML library.
"""

from types import SimpleNamespace

import pytest

from greennb.energy import EnergyInterval, track
from greennb.energy import _hardware as hardware
from greennb.energy._hardware import (
    HARDWARE_SOURCE_MSG,
    SOURCE_WITHOUT_POWER_MSG,
    component_methods,
    overall_status,
    stated_hardware,
)
from greennb.errors import InvalidTypeError, InvalidValueError

TRACKER = SimpleNamespace  # a tracker is read only through its _hardware list

ONE_SOCKET = {"cpu_model": "Intel(R) Xeon(R) Processor", "cpu_count": 2, "cpu_physical_count": 1}


def test_constants_are_codecarbons():
    from codecarbon.core.cpu import DEFAULT_POWER_PER_CORE
    from codecarbon.external.hardware import CONSUMPTION_PERCENTAGE_CONSTANT, POWER_CONSTANT
    from codecarbon.external.ram import RAM_SLOT_POWER_X86

    assert hardware.DEFAULT_POWER_PER_THREAD_W == DEFAULT_POWER_PER_CORE == 4
    assert hardware.GENERIC_TDP_W == POWER_CONSTANT
    assert hardware.CONSTANT_SHARE == CONSUMPTION_PERCENTAGE_CONSTANT
    assert RAM_SLOT_POWER_X86 == 5  # the 5 W per DIMM the RAM method states


def _cpu(mode="cpu_load", model="Intel(R) Xeon(R) Processor", tdp=8):
    from codecarbon.external.hardware import CPU

    return CPU(output_dir=".", mode=mode, model=model, tdp=tdp)


def test_the_4_w_per_thread_fallback_is_said_plainly():
    cpu = _cpu()
    cpu._cpu_count = 2  # this VM: 2 threads, 1 socket, a model CodeCarbon's table lacks
    method = component_methods(TRACKER(_hardware=[cpu]), ONE_SOCKET)["cpu"]
    assert method.method == (
        "estimated: CodeCarbon does not know the CPU model 'Intel(R) Xeon(R) Processor'; it "
        "assumes 4 W per thread × 2 threads = 8 W of TDP, P = 8 W × (0.1 + 0.9 · load³)"
    )
    assert method.flag == "estimated" and method.error == "cpu_load_fallback"
    assert method.parameters["w_per_thread"] == 4 and method.parameters["tdp_w"] == 8.0


def test_a_cpu_in_codecarbons_table_names_its_tdp():
    cpu = _cpu(model="Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", tdp=300)
    two_sockets = {"cpu_count": 80, "cpu_physical_count": 2}
    method = component_methods(TRACKER(_hardware=[cpu]), two_sockets)["cpu"]
    assert method.method == (
        "estimated: CodeCarbon TDP table, 150 W for 'Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz' "
        "× 2 sockets, P = 300 W × (0.1 + 0.9 · load³)"
    )
    assert method.error == "cpu_load_table" and method.parameters["table_tdp_w"] == 150.0


def test_generic_constant_and_unidentified_tdps():
    from codecarbon.external.hardware import CPU

    generic = CPU.from_utils(".", "cpu_load", model="Unknown", tdp=None)
    method = component_methods(TRACKER(_hardware=[generic]), {})["cpu"]
    assert method.method.startswith("estimated: CodeCarbon could not read the CPU model; it")
    assert "generic 85 W TDP" in method.method and method.error == "cpu_load_generic"
    constant = _cpu(mode="constant", tdp=65)
    method = component_methods(TRACKER(_hardware=[constant]), {})["cpu"]
    assert method.method == (
        "estimated: CodeCarbon TDP constant, P = 50 % × 65 W = 32.5 W, load ignored"
    )
    odd = _cpu(model="Test CPU", tdp=65)  # neither the table nor threads × 4 W
    method = component_methods(TRACKER(_hardware=[odd]), {"cpu_count": 2})["cpu"]
    assert "TDP of 65 W for 'Test CPU' whose origin greennb cannot tell" in method.method


def test_the_ram_model_states_its_dimms_and_gib():
    from codecarbon.external.ram import RAM

    ram = RAM()
    gib = ram.machine_memory_GB
    method = component_methods(TRACKER(_hardware=[ram]), {})["ram"]
    dimms, power = ram._estimate_dimm_count(gib), ram._calculate_ram_power(gib)
    assert method.method == (
        f"estimated: CodeCarbon RAM model, {dimms} DIMMs assumed for {gib:.1f} GiB × 5 W = "
        f"{power:g} W, constant whatever the load"
    )
    assert method.parameters == {
        "memory_gib": gib,
        "dimms": dimms,
        "w_per_dimm": 5.0,
        "power_w": power,
    }
    forced = RAM(force_ram_power=6)
    stated = {"hardware_source": "DDR4 datasheet"}
    method = component_methods(TRACKER(_hardware=[forced]), {}, stated)["ram"]
    assert method.method == "stated by user: DDR4 datasheet; RAM power 6 W, constant"
    assert method.error == "ram_user"


def test_fakes_unknown_modes_and_unreadable_trackers(fakes):
    methods = component_methods(TRACKER(_hardware=[fakes.Raspberry("RAM"), fakes.Raspberry("CPU")]))
    assert overall_status(methods)[0] == "measured"
    assert methods["cpu"].method == "measured: Raspberry Pi PMIC"
    methods = component_methods(TRACKER(_hardware=[fakes.CPU("future_mode")]))
    assert methods["cpu"].flag == "unknown" and "'future_mode'" in methods["cpu"].method
    assert methods["ram"].flag == "unknown" and methods["gpu"].flag == "absent"
    assert overall_status(methods)[0] == "estimated"
    methods = component_methods(object())
    assert {m.flag for m in methods.values()} == {"unknown"}
    assert all(m.error == "unknown" for m in methods.values())


# --- RAPL: CodeCarbon's own reader on a fake powercap tree --------------------------------------


def _powercap(tmp_path, microjoules):
    domain = tmp_path / "powercap" / "intel-rapl" / "intel-rapl:0"
    domain.mkdir(parents=True, exist_ok=True)
    (domain / "name").write_text("package-0\n")
    (domain / "max_energy_range_uj").write_text("262143328850\n")
    (domain / "energy_uj").write_text(f"{microjoules}\n")
    return domain


class CounterTracker:
    """A tracker whose task energy comes from its real CodeCarbon hardware objects."""

    def __init__(self, hardware, advance, counting=None):
        self.run_id = "counters"
        self._hardware = hardware
        self.counting = hardware if counting is None else counting  # the objects read
        self.advance = advance  # moves the fake counters on during the phase

    def start_task(self, name):
        for item in self.counting:
            item.start()

    def stop_task(self, name=None):
        self.advance()
        energy = {"cpu": 0.0, "gpu": 0.0, "ram": 0.0}
        for item in self.counting:
            kind = type(item).__name__.lower()
            energy[kind] += item.measure_power_and_energy(last_duration=1.0)[1].kWh
        return SimpleNamespace(
            cpu_energy=energy["cpu"], gpu_energy=energy["gpu"], ram_energy=energy["ram"],
            duration=1.0,
        )  # fmt: skip

    def get_detected_hardware(self):
        return {"cpu_model": "Fake Xeon", "cpu_count": 2, "ram_total_size": 8.0}

    def stop(self):
        pass


def test_rapl_counters_read_by_codecarbon_are_measured(tmp_path, make_session):
    from codecarbon.external.hardware import CPU
    from codecarbon.external.ram import RAM

    domain = _powercap(tmp_path, 1_000_000)
    rapl = CPU(
        output_dir=".", mode="intel_rapl", model="Fake Xeon", tdp=None,
        rapl_dir=str(domain.parent),
    )  # fmt: skip
    tracker = CounterTracker(
        [RAM(force_ram_power=4), rapl],
        advance=lambda: (domain / "energy_uj").write_text("4600000\n"),  # +3.6 J
    )
    session = make_session(tracker, ram_power_w=4, hardware_source="DIMM datasheet")
    with track("train", session=session) as t:
        pass
    result = t.result
    assert result.cpu_method == "measured: RAPL" and result.cpu_flag == "measured"
    assert result.cpu_parameters["counters"] == [str(domain / "energy_uj")]
    assert result.cpu_energy_kwh == pytest.approx(1e-6, rel=1e-5)  # 3.6 J
    assert result.cpu_interval == EnergyInterval.from_relative(
        result.cpu_energy_kwh, low=-0.2, high=0.2
    )
    assert result.ram_method == "stated by user: DIMM datasheet; RAM power 4 W, constant"
    assert result.ram_energy_kwh == pytest.approx(4 / 3600 / 1000)  # 4 W for 1 s
    assert result.status == "estimated"  # RAM is never measured
    assert "CPU measured: RAPL" in result.reason


# --- NVML: CodeCarbon's NVIDIA device over a fake NVML library ----------------------------------


class FakeNVML:
    """The few NVML calls CodeCarbon's NvidiaGPUDevice makes; the energy counter is in mJ."""

    class NVMLError(Exception):
        pass

    NVMLError_NotSupported = NVMLError

    def __init__(self, counter_mj=None):
        self.counter_mj = counter_mj

    def nvmlDeviceGetTotalEnergyConsumption(self, handle):
        if self.counter_mj is None:
            raise self.NVMLError("not supported")
        return self.counter_mj

    def nvmlDeviceGetName(self, handle):
        return "Fake H200"

    def nvmlDeviceGetUUID(self, handle):
        return "GPU-fake"

    def nvmlDeviceGetEnforcedPowerLimit(self, handle):
        return 700_000

    def nvmlDeviceGetMemoryInfo(self, handle):
        return SimpleNamespace(total=141e9, free=140e9, used=1e9)

    def nvmlDeviceGetPowerUsage(self, handle):
        return 100_000  # mW


def _gpu(monkeypatch, nvml):
    from codecarbon.core import gpu_nvidia
    from codecarbon.external.hardware import GPU

    monkeypatch.setattr(gpu_nvidia, "pynvml", nvml)
    device = gpu_nvidia.NvidiaGPUDevice(handle="h0", gpu_index=0)
    gpu = GPU.__new__(GPU)  # skip the NVML initialisation of a real machine
    gpu.gpu_ids, gpu.num_gpus, gpu._gpu_ids_resolved = [0], 1, True
    gpu.devices = SimpleNamespace(
        devices=[device], get_delta=lambda t: [{**device.delta(t), "gpu_index": 0}]
    )
    return gpu


def test_nvml_energy_counter_read_by_codecarbon_is_measured(monkeypatch, make_session, fakes):
    nvml = FakeNVML(counter_mj=1_000_000)
    gpu = _gpu(monkeypatch, nvml)

    def advance():
        nvml.counter_mj += 36_000_000  # +36 kJ = 0.01 kWh

    tracker = CounterTracker([fakes.RAM(), fakes.CPU("cpu_load", 8), gpu], advance, [gpu])
    with track("train", session=make_session(tracker)) as t:
        pass
    result = t.result
    assert result.gpu_method == "measured: NVML" and result.gpu_flag == "measured"
    assert result.gpu_parameters["counter"] == "nvmlDeviceGetTotalEnergyConsumption"
    assert result.gpu_energy_kwh == pytest.approx(0.01, rel=1e-5)
    assert result.gpu_interval.low == pytest.approx(0.0085, rel=1e-5)  # ±15 %
    assert result.gpu_interval.high == pytest.approx(0.0115, rel=1e-5)


def test_nvml_without_counter_says_power_samples(monkeypatch):
    gpu = _gpu(monkeypatch, FakeNVML(counter_mj=None))
    method = component_methods(TRACKER(_hardware=[gpu]))["gpu"]
    assert method.method == "measured: NVML (power samples, no energy counter)"
    assert method.error == "nvml_power_samples"


def test_measured_paths_have_narrower_intervals_than_estimates(monkeypatch):
    gpu = component_methods(TRACKER(_hardware=[_gpu(monkeypatch, FakeNVML(1))]))["gpu"]
    cpu = component_methods(TRACKER(_hardware=[_cpu()]), ONE_SOCKET)["cpu"]
    assert gpu.interval(1.0).width < cpu.interval(1.0).width


# --- Hardware the user states -------------------------------------------------------------------


def test_stated_cpu_power_becomes_codecarbons_tdp_and_the_method_says_who():
    stated = stated_hardware(cpu_power_w=150, hardware_source="Intel ARK: Xeon Gold 6148")
    cpu = _cpu(tdp=150.0)
    method = component_methods(TRACKER(_hardware=[cpu]), ONE_SOCKET, stated)["cpu"]
    assert method.method == (
        "stated by user: Intel ARK: Xeon Gold 6148; CPU power 150 W used as CodeCarbon's TDP, "
        "P = 150 W × (0.1 + 0.9 · load³)"
    )
    assert method.parameters["hardware_source"] == "Intel ARK: Xeon Gold 6148"
    assert method.error == "cpu_load_user"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"cpu_power_w": 0, "hardware_source": "x"}, InvalidValueError, "cpu_power_w must be"),
        ({"ram_power_w": -1, "hardware_source": "x"}, InvalidValueError, "ram_power_w must be"),
        ({"cpu_power_w": "65", "hardware_source": "x"}, InvalidTypeError, "cpu_power_w must be"),
        ({"cpu_power_w": 65}, InvalidValueError, "hardware_source must say where"),
        ({"cpu_power_w": 65, "hardware_source": " "}, InvalidValueError, "hardware_source"),
        ({"cpu_power_w": 65, "hardware_source": 3}, InvalidTypeError, "hardware_source"),
    ],
)
def test_bad_stated_hardware_is_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        stated_hardware(**kwargs)


def test_a_source_without_a_power_is_refused():
    with pytest.raises(InvalidValueError) as info:
        stated_hardware(hardware_source="my laptop")
    assert str(info.value) == SOURCE_WITHOUT_POWER_MSG.format(source="my laptop")
    assert "{value!r}" in HARDWARE_SOURCE_MSG


# --- The hardware a notebook states in one parameter ---------------------------------------


def test_parse_stated_hardware_reads_every_key():
    from greennb.energy import parse_stated_hardware

    text = "cpu_power_w=150; ram_power_w = 10 ; gpu_count=2; gpu_model=A100; source=ARK, p. 3"
    assert parse_stated_hardware(text) == {
        "cpu_power_w": 150.0,
        "ram_power_w": 10.0,
        "gpu_count": 2,
        "gpu_model": "A100",
        "hardware_source": "ARK, p. 3",
    }
    assert parse_stated_hardware("  ") == {}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("cpu_power_w 150; source=x", "has no '='"),
        ("cpu_tdp=150; source=x", "unknown key 'cpu_tdp'"),
        ("cpu_power_w=150; cpu_power_w=100; source=x", "given twice"),
        ("cpu_power_w=lots; source=x", "cpu_power_w='lots' is not a float"),
        ("gpu_count=1.5; source=x", "gpu_count='1.5' is not a int"),
    ],
)
def test_parse_stated_hardware_names_the_problem_and_the_format(text, problem):
    from greennb.energy import parse_stated_hardware

    with pytest.raises(InvalidValueError) as error:
        parse_stated_hardware(text)
    assert problem in str(error.value) and "cpu_power_w, ram_power_w" in str(error.value)


def test_parse_stated_hardware_applies_configures_checks():
    from greennb.energy import parse_stated_hardware

    with pytest.raises(InvalidValueError, match="hardware_source must say where"):
        parse_stated_hardware("cpu_power_w=150")
    with pytest.raises(InvalidValueError, match="cpu_power_w.*-5"):
        parse_stated_hardware("cpu_power_w=-5; source=x")
