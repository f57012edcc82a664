"""Reading a source's settings: unset, half-configured, or ready."""

from __future__ import annotations

from resources.errors import SourceConfigError


def is_unset(*values: str | None) -> bool:
    return all(value in (None, "") for value in values)


def require(source: str, variable: str, value: str | None) -> str:
    if value in (None, ""):
        raise SourceConfigError(
            source, f"{variable} is not set, but other {source} settings are; set it, or unset "
            f"every {source.upper()}_* variable to skip {source}")
    return value  # type: ignore[return-value]


def positive_number(source: str, variable: str, value: str | None, default: float) -> float:
    if value in (None, ""):
        return default
    try:
        number = float(value)  # type: ignore[arg-type]
    except ValueError:
        raise SourceConfigError(source, f"{variable} must be a number, got {value!r}") from None
    if number <= 0:
        raise SourceConfigError(source, f"{variable} must be positive, got {value!r}")
    return number


def budget_name(source: str, base_url: str) -> str:
    """Vendors count per client IP and API host, so the budget is per (source, host)."""
    host = base_url.split("://", 1)[-1].split("/", 1)[0]
    return f"{source}-" + "".join(c if c.isalnum() else "_" for c in host)
