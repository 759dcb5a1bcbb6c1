"""The SPARQL query library (*.rq), shipped as package data."""
