"""hjp — keeps a township's work-safety ledgers (hazards, tasks, drills) as YAML in git."""

__version__ = "0.1.0"
