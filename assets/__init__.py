"""Thin Dagster assets: fetch through a resource, land in the lake, report what happened."""
