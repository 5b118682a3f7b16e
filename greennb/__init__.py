"""greennb: energy, carbon and fairness of machine-learning models, measured."""

__version__ = "0.1.0"
