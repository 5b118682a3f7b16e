"""Energy: tracking (CodeCarbon), idle baseline, facility, carbon, water, embodied, forecasts.

What lives where:

- ``_results``: :class:`EnergyResult`, :class:`IdleBaseline`, the statuses
  (``STATUS_MEASURED``, ``STATUS_ESTIMATED``, ``STATUS_UNAVAILABLE``), :func:`worst_status`,
  :func:`dynamic_energy`;
- ``_totals``: :func:`total_energy` and :class:`EnergyTotal`, the one way to total phases;
- ``_methods``: :class:`ComponentMethod` (how a component's energy was obtained),
  :data:`ERROR_RANGES` and :class:`ErrorRange` (each method's cited error range);
- ``_hardware``: CodeCarbon's hardware objects read into methods (RAPL, NVML, its load model
  ``TDP × (0.1 + 0.9 · load³)`` and where the TDP came from, its RAM model), stated hardware
  and :func:`parse_stated_hardware` (a notebook's ``hardware`` parameter);
- ``_codecarbon``: the one adapter to CodeCarbon (offline tracker, settings, failures turned
  into "unavailable: reason");
- ``_usage``: :class:`Usage`, :class:`UsageSampler` (this process's CPU time and memory around a
  phase), :func:`machine_shared`;
- ``_independent``: :func:`independent_estimate`, :class:`IndependentEstimate`,
  :class:`CoefficientModel`, ``DEFAULT_COEFFICIENTS`` (Cloud Carbon Footprint);
- ``_attribution`` and ``_phase_result``: a phase's attribution, independent estimate and
  dynamic energy, and the building of its :class:`EnergyResult`;
- ``_compare``: :func:`compare_energy`, :class:`EnergyComparison`, ``VERDICTS``: verdicts only
  beyond the noise;
- ``_repeat``: :func:`measure_repeatedly`, :class:`RepeatedEnergy` (median and spread);
- ``_session``: :class:`EnergySession`, :func:`get_session`, :func:`configure`,
  :func:`close_session`, :func:`measure_idle_baseline`;
- ``_track``: :func:`track` and :class:`PhaseTracker` (context manager and decorator);
- ``_magic``: the ``%%track`` cell magic, :func:`load_ipython_extension`;
- ``_facility``: :func:`facility_energy` (``E_total = E × PUE``), ``DEFAULT_PUE``,
  ``DEFAULT_COOLING_SHARE``;
- ``_grid``: CodeCarbon's energy-mix data: :func:`grid_carbon_intensity`,
  :func:`grid_renewable_share`, :func:`list_countries`, :func:`default_country`;
- ``_carbon``: :func:`carbon_emissions` (``C = E_total × CI × (1 − ε)``),
  :func:`carbon_scenarios`;
- ``_interval``: :class:`EnergyInterval`, an energy with its low–high interval;
- ``_compare`` and ``_verdict_table``: :func:`compare_energy` and :func:`compare_speed`, the
  one verdict (less, more, or no measurable difference beyond the noise), and
  :func:`verdict_table`, many figures against one reference;
- ``_repeat``: :func:`measure_repeatedly`, a short phase repeated, its median and spread;
- ``_tables``: :func:`component_table` and :func:`phase_table`, results as tables (mWh)
  with their intervals, methods and attribution;
- ``_pricing``: :class:`Pricing`, one (country, PUE, ε) to price energy with;
- ``_units``: :func:`energy_display_unit` and :data:`ENERGY_DISPLAY_UNITS`, the one engineering
  unit (µWh, mWh, Wh, kWh) for energies shown together;
- ``_equivalents``: :func:`co2e_equivalents`, :func:`energy_equivalents` and
  :func:`describe_equivalents`, rough everyday equivalents (km by car, phone charges, kettle
  boils) with cited factors (:data:`EQUIVALENT_SOURCES`);
- ``_water`` and ``_embodied``: :func:`water_footprint`, :func:`embodied_emissions`, estimates;
- ``_training_forecast_model``: :func:`forecast_training_energy`, the forecast of a whole
  training's energy, time and CO2e from its first measured epochs;
- ``_training_forecast``: :class:`TrainingEnergyForecaster`, an epoch callback that measures each
  epoch, and :func:`fit_with_energy_forecast`;
- ``_training_forecast_outcome``: :func:`training_energy_outcome`, the forecast against what
  the training really cost.

Importing this package does not import CodeCarbon; the first tracked phase or grid look-up does.
"""

from greennb._noise import VERDICTS, SpeedComparison, compare_speed
from greennb.energy._carbon import carbon_emissions, carbon_scenarios
from greennb.energy._compare import EnergyComparison, compare_energy
from greennb.energy._embodied import (
    DEFAULT_GPU_EMBODIED_KG_CO2E,
    EmbodiedEstimate,
    embodied_emissions,
)
from greennb.energy._equivalents import (
    CO2E_FACTORS_G,
    ENERGY_FACTORS_KWH,
    EQUIVALENT_SOURCES,
    co2e_equivalents,
    describe_equivalents,
    energy_equivalents,
)
from greennb.energy._facility import (
    DEFAULT_COOLING_SHARE,
    DEFAULT_PUE,
    FacilityEnergy,
    facility_energy,
)
from greennb.energy._grid import (
    DEFAULT_COUNTRY,
    default_country,
    grid_carbon_intensity,
    grid_renewable_share,
    list_countries,
)
from greennb.energy._hardware import parse_stated_hardware
from greennb.energy._independent import (
    DEFAULT_COEFFICIENTS,
    CoefficientModel,
    IndependentEstimate,
    independent_estimate,
)
from greennb.energy._interval import EnergyInterval
from greennb.energy._magic import load_ipython_extension
from greennb.energy._methods import ERROR_RANGES, ComponentMethod, ErrorRange
from greennb.energy._pricing import Pricing
from greennb.energy._repeat import RepeatedEnergy, measure_repeatedly
from greennb.energy._results import (
    STATUS_ESTIMATED,
    STATUS_MEASURED,
    STATUS_UNAVAILABLE,
    EnergyResult,
    IdleBaseline,
    dynamic_energy,
    is_machine_shared,
    worst_status,
)
from greennb.energy._session import (
    EnergySession,
    close_session,
    configure,
    get_session,
    measure_idle_baseline,
)
from greennb.energy._tables import component_table, phase_table
from greennb.energy._totals import EnergyTotal, total_energy
from greennb.energy._track import PhaseTracker, track
from greennb.energy._units import ENERGY_DISPLAY_UNITS, energy_display_unit
from greennb.energy._usage import Usage, UsageSampler, machine_shared
from greennb.energy._verdict_table import verdict_table
from greennb.energy._water import DEFAULT_WUE, WaterEstimate, water_footprint

__all__ = [
    "CO2E_FACTORS_G",
    "CoefficientModel",
    "ComponentMethod",
    "DEFAULT_COEFFICIENTS",
    "DEFAULT_COOLING_SHARE",
    "DEFAULT_COUNTRY",
    "DEFAULT_FORECAST_AFTER",
    "DEFAULT_GPU_EMBODIED_KG_CO2E",
    "DEFAULT_PUE",
    "DEFAULT_WUE",
    "ENERGY_DISPLAY_UNITS",
    "ENERGY_FACTORS_KWH",
    "EQUIVALENT_SOURCES",
    "ERROR_RANGES",
    "EmbodiedEstimate",
    "EnergyComparison",
    "EnergyInterval",
    "EnergyResult",
    "EnergySession",
    "EnergyTotal",
    "ErrorRange",
    "FacilityEnergy",
    "IdleBaseline",
    "IndependentEstimate",
    "PhaseTracker",
    "Pricing",
    "RepeatedEnergy",
    "STATUS_ESTIMATED",
    "STATUS_MEASURED",
    "STATUS_UNAVAILABLE",
    "SpeedComparison",
    "TrainingEnergyForecast",
    "TrainingEnergyForecaster",
    "TrainingEnergyOutcome",
    "Usage",
    "UsageSampler",
    "VERDICTS",
    "WaterEstimate",
    "carbon_emissions",
    "carbon_scenarios",
    "close_session",
    "co2e_equivalents",
    "compare_energy",
    "compare_speed",
    "component_table",
    "configure",
    "default_country",
    "describe_equivalents",
    "dynamic_energy",
    "embodied_emissions",
    "energy_display_unit",
    "energy_equivalents",
    "facility_energy",
    "fit_with_energy_forecast",
    "forecast_training_energy",
    "get_session",
    "grid_carbon_intensity",
    "grid_renewable_share",
    "independent_estimate",
    "is_machine_shared",
    "list_countries",
    "load_ipython_extension",
    "machine_shared",
    "measure_idle_baseline",
    "measure_repeatedly",
    "parse_stated_hardware",
    "phase_table",
    "total_energy",
    "track",
    "training_energy_outcome",
    "verdict_table",
    "water_footprint",
    "worst_status",
]

# The training-energy forecast needs the torch estimators (greennb.models, scikit-learn): its
# names load on first use, so that ``import greennb.energy`` stays light (PEP 562).
_TRAINING_FORECAST = {
    "DEFAULT_FORECAST_AFTER": "_training_forecast_outcome",
    "TrainingEnergyForecast": "_training_forecast_model",
    "TrainingEnergyForecaster": "_training_forecast",
    "TrainingEnergyOutcome": "_training_forecast_outcome",
    "fit_with_energy_forecast": "_training_forecast",
    "forecast_training_energy": "_training_forecast_model",
    "training_energy_outcome": "_training_forecast_outcome",
}


def __getattr__(name: str):
    """Load a training-energy forecast name on first use."""
    if name not in _TRAINING_FORECAST:
        raise AttributeError(f"module 'greennb.energy' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"greennb.energy.{_TRAINING_FORECAST[name]}"), name)
    globals()[name] = value
    return value
