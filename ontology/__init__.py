"""The ontology (plan.ttl) and SHACL shapes (shapes.ttl), shipped as package data."""
