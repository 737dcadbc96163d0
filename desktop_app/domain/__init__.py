"""Pure rules and value types (NIK/KK, regions, programs, statuses, clocks, ids).

Standard library only: nothing here imports Qt, the database or other app packages, so every
rule is testable on its own.
"""
