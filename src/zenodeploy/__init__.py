"""zenodeploy: publish research data to Zenodo and InvenioRDM from a YAML manifest."""

__version__ = "0.1.0"
