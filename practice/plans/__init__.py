"""A treatment plan per case: problems, goals, measurable objectives and interventions,
signed like a note, revised in versions and reviewed."""
