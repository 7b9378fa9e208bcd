"""Sizes the standards give for metric fasteners, used when a prompt names only "M6".

Every value taken from here is noted as an assumption: the prompt said "M6", not "6.6 mm".
"""

from typing import NamedTuple


class Metric(NamedTuple):
    clearance: float  # ISO 273 medium clearance hole
    across_flats: float  # ISO 4032 hex nut
    nut_height: float  # ISO 4032
    washer_od: float  # ISO 7089
    washer_thickness: float  # ISO 7089
    counterbore: float  # ISO 4762 socket head cap screw: counterbore diameter
    counterbore_depth: float  # ... and depth (head height + a little)
    countersink: float  # ISO 10642 countersunk head: countersink diameter


METRIC: dict[int, Metric] = {
    2: Metric(2.4, 4, 1.6, 5, 0.3, 4.4, 2.2, 4.4),
    3: Metric(3.4, 5.5, 2.4, 7, 0.5, 6.5, 3.4, 6.7),
    4: Metric(4.5, 7, 3.2, 9, 0.8, 8, 4.4, 9),
    5: Metric(5.5, 8, 4.7, 10, 1, 10, 5.4, 11.2),
    6: Metric(6.6, 10, 5.2, 12, 1.6, 11, 6.4, 13.4),
    8: Metric(9, 13, 6.8, 16, 1.6, 15, 8.6, 17.9),
    10: Metric(11, 16, 8.4, 20, 2, 18, 10.6, 22.4),
    12: Metric(13.5, 18, 10.8, 24, 2.5, 20, 12.6, 26.9),
    16: Metric(17.5, 24, 14.8, 30, 3, 26, 16.6, 33.9),
    20: Metric(22, 30, 18, 37, 3, 33, 20.6, 40.3),
}
