"""greennb: energy, carbon and fairness of machine-learning models, measured.

The public API, in the order data flows through it:

- data: :func:`load_dataset`, :func:`list_datasets`, :func:`split_dataset` (real datasets,
  shipped offline with checksums);
- models: :func:`make_model`, :class:`TorchMLPClassifier`, :class:`TorchMLPRegressor`,
  :func:`select_device`, :func:`count_parameters`, :func:`estimate_flops`;
- energy: :func:`track` (context manager, decorator, ``%%track`` cell magic after
  ``%load_ext greennb``), :func:`measure_idle_baseline`;
- carbon: :func:`facility_energy` (E_total = E_computation × PUE), :func:`carbon_emissions`
  (C = E × CI × (1 − ε)), :func:`carbon_scenarios`, water and embodied estimates;
- fairness: :func:`fairness_report`, :func:`social_responsibility_index` (R = A / B).

torch and CodeCarbon are imported only when first needed.
"""

__version__ = "0.1.0"

from greennb.calibration import CALIBRATION_STRATEGIES, GroupCalibration, calibration_by_group
from greennb.carbon import (
    DEFAULT_COOLING_SHARE,
    DEFAULT_COUNTRY,
    DEFAULT_PUE,
    DEFAULT_WUE,
    EmbodiedEstimate,
    FacilityEnergy,
    WaterEstimate,
    carbon_emissions,
    carbon_scenarios,
    default_country,
    embodied_emissions,
    facility_energy,
    grid_carbon_intensity,
    grid_renewable_share,
    list_countries,
    water_footprint,
)
from greennb.data import (
    Dataset,
    DatasetFileError,
    DatasetOfflineError,
    Split,
    check_sensitive,
    check_target,
    data_dir,
    dataset_table,
    fetch_online_dataset,
    list_datasets,
    list_online_datasets,
    load_dataset,
    split_dataset,
)
from greennb.energy import (
    EnergyResult,
    EnergySession,
    IdleBaseline,
    PhaseTracker,
    close_session,
    configure,
    dynamic_energy,
    get_session,
    load_ipython_extension,
    measure_idle_baseline,
    track,
)
from greennb.fairness import FairnessReport, FairnessWarning, fairness_report
from greennb.forecast import (
    FORECAST_SETUPS,
    ForecastSetup,
    SeasonalNaiveForecaster,
    add_lag_features,
    forecast_metrics,
    forecast_setup,
    load_forecast_dataset,
    recent_period,
    with_lag_features,
)
from greennb.mitigation import (
    MITIGATION_CONSTRAINTS,
    MITIGATION_METHODS,
    MitigatedClassifier,
    fairness_cost_table,
    mitigate,
)
from greennb.models import (
    MODEL_NAMES,
    ParameterCount,
    count_parameters,
    estimate_flops,
    list_models,
    make_model,
    make_preprocessor,
)
from greennb.record import RunRecord, read_metrics, validate_metrics
from greennb.report import collect_runs, write_report
from greennb.runs import (
    RunFailed,
    RunResult,
    case_parameters,
    check_parameters,
    list_cases,
    list_runs,
    run_case,
    run_cases,
)
from greennb.sri import COMPLIANCE_POLICIES, SRI_METRICS, SRIResult, social_responsibility_index
from greennb.torch_mlp import (
    TorchMLPClassifier,
    TorchMLPRegressor,
    available_devices,
    build_mlp,
    describe_device,
    select_device,
)

__all__ = [
    "CALIBRATION_STRATEGIES",
    "COMPLIANCE_POLICIES",
    "DEFAULT_COOLING_SHARE",
    "DEFAULT_COUNTRY",
    "DEFAULT_PUE",
    "DEFAULT_WUE",
    "Dataset",
    "DatasetFileError",
    "DatasetOfflineError",
    "EmbodiedEstimate",
    "EnergyResult",
    "EnergySession",
    "FORECAST_SETUPS",
    "FacilityEnergy",
    "FairnessReport",
    "FairnessWarning",
    "ForecastSetup",
    "GroupCalibration",
    "IdleBaseline",
    "MITIGATION_CONSTRAINTS",
    "MITIGATION_METHODS",
    "MODEL_NAMES",
    "MitigatedClassifier",
    "ParameterCount",
    "PhaseTracker",
    "RunFailed",
    "RunRecord",
    "RunResult",
    "SRIResult",
    "SRI_METRICS",
    "SeasonalNaiveForecaster",
    "Split",
    "TorchMLPClassifier",
    "TorchMLPRegressor",
    "WaterEstimate",
    "__version__",
    "add_lag_features",
    "available_devices",
    "build_mlp",
    "calibration_by_group",
    "carbon_emissions",
    "carbon_scenarios",
    "case_parameters",
    "check_parameters",
    "check_sensitive",
    "check_target",
    "close_session",
    "collect_runs",
    "configure",
    "count_parameters",
    "data_dir",
    "dataset_table",
    "default_country",
    "describe_device",
    "dynamic_energy",
    "embodied_emissions",
    "estimate_flops",
    "facility_energy",
    "fairness_cost_table",
    "fairness_report",
    "fetch_online_dataset",
    "forecast_metrics",
    "forecast_setup",
    "get_session",
    "grid_carbon_intensity",
    "grid_renewable_share",
    "list_cases",
    "list_countries",
    "list_datasets",
    "list_models",
    "list_online_datasets",
    "list_runs",
    "load_dataset",
    "load_forecast_dataset",
    "load_ipython_extension",
    "make_model",
    "make_preprocessor",
    "measure_idle_baseline",
    "mitigate",
    "read_metrics",
    "recent_period",
    "run_case",
    "run_cases",
    "select_device",
    "social_responsibility_index",
    "split_dataset",
    "track",
    "validate_metrics",
    "water_footprint",
    "with_lag_features",
    "write_report",
]
