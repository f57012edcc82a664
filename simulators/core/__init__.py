"""What the three vendor simulators share: clock, data generation, faults, the control plane.

Nothing here imports a vendor package; the vendor packages build on this one.
"""
