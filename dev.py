#!/usr/bin/env python3
"""Bootstrap and task runner: needs only python3 (3.11+).

    python3 dev.py demo     start the simulators, sync their whole history, build the warehouse
    python3 dev.py ui       the Dagster UI on the demo's instance, simulators behind it
    python3 dev.py test     run the test suite (unit tier, then the simulator-backed tier)
    python3 dev.py test --unit    the unit tier alone (under 30 s)
    python3 dev.py lint     ruff
    python3 dev.py bench NAME [ARGS]   run benchmarks/NAME.py

Every command first makes sure `.venv` holds exactly `requirements.lock` plus this project,
with bytecode compiled (this machine sets PYTHONDONTWRITEBYTECODE=1; uncompiled, `import dagster`
takes twice as long). The install is skipped when the lock file and pyproject are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".interview-warehouse-installed"
CHROMIUM = "/usr/bin/chromium"
SOURCES = ("pipelines", "assets", "resources", "simulators", "tests", "benchmarks")


def _run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_env() -> None:
    if not PY.exists():
        print("dev.py: creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = _fingerprint()
    if not STAMP.exists() or STAMP.read_text() != fingerprint:
        print("dev.py: installing requirements.lock into .venv", flush=True)
        env = {**os.environ, "UV_COMPILE_BYTECODE": "1", "VIRTUAL_ENV": str(VENV)}
        _run(PY, "-m", "pip", "install", "--quiet", "uv==0.13.8")
        uv = BIN / "uv"
        _run(uv, "pip", "sync", "--python", PY, "requirements.lock", env=env)
        _run(uv, "pip", "install", "--python", PY, "--no-deps", "-e", ".", env=env)
        STAMP.write_text(fingerprint)
    # Project sources change between runs; compiling them is cheap when nothing changed.
    _run(PY, "-m", "compileall", "-q", *[s for s in SOURCES if (ROOT / s).is_dir()])
    # Importing the dbt assets parses the dbt project when its manifest is missing or stale.
    _run(PY, "-c", "import assets.warehouse")


def postgres_bin() -> Path | None:
    """Where PostgreSQL's server programs are (Debian keeps them off PATH)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


def ensure_system_packages() -> None:
    """What the integration tests start themselves: Debian's Chromium for the browser tests
    (Playwright cannot download a browser here) and a PostgreSQL server for the multi-host
    tests. Installed with apt-get when missing."""
    missing = [package for package, present in (("chromium", Path(CHROMIUM).exists()),
                                                ("postgresql", postgres_bin() is not None))
               if not present]
    if not missing:
        return
    apt = shutil.which("apt-get")
    if apt is None:
        print(f"dev.py: {', '.join(missing)} missing and there is no apt-get to install it; "
              "the tests that need it will fail", flush=True)
        return
    print(f"dev.py: installing Debian's {', '.join(missing)} for the integration tests",
          flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run(*sudo, apt, "-qq", "update", env=env)
    _run(*sudo, apt, "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    ensure_env()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    if command in ("demo", "ui"):
        cmd = [BIN / "interview-warehouse", command, *rest]
    elif command == "test":
        unit = "--unit" in rest
        if not unit:
            ensure_system_packages()
        rest = [arg for arg in rest if arg != "--unit"]
        cmd = [PY, "-m", "pytest", *(["tests/unit"] if unit else []), *rest]
    elif command == "lint":
        cmd = [BIN / "ruff", "check", ".", *rest]
    elif command == "bench" and rest:
        cmd = [PY, ROOT / "benchmarks" / f"{rest[0]}.py", *rest[1:]]
    else:
        print(__doc__)
        return 2
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
