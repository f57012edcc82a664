"""Wiring of the Interview Warehouse code location: definitions, jobs, schedules, CLI."""
