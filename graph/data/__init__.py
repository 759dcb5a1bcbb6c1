"""Package data: the bundled plan and the registries of agencies, places and field labels."""
