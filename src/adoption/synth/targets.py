"""What the synthetic register is calibrated to, and what it assumes.

Published (matched exactly by the clean data of the default register, counting active
head offices): 65,000 enterprises; 45,000 of them use at least one digital platform;
1,300 of them in the electronics-IT-digital group, employing 55,720 people. Matched
within a tolerance: about 1.2 million workers in 29 industrial parks (exact here); about
4,200 FDI firms (exactly 4,200 here; the source counts FDI projects).

Everything else is an assumption with no source, chosen to be plausible for a Vietnamese
manufacturing province, and listed in data/README.md.

``adoption synth --firms N`` scales every count by N / 65,000 (shares stay as they are):
a smaller register for quick tests and demonstrations, whose figures then differ from
the published ones, as the reports show.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from ..core.errors import AdoptionError

DEFAULT_SEED = 2023
DEFAULT_FIRMS = 65_000
MIN_FIRMS = 1_000


@dataclass(frozen=True)
class Targets:
    """Counts the generator reproduces exactly (published ones and assumed ones)."""

    active: int = DEFAULT_FIRMS          # active head offices (published)
    adopters: int = 45_000               # of which use digital platforms (published)
    digital_tech: int = 1_300            # electronics-IT-digital firms (published)
    digital_tech_workers: int = 55_720   # their employees (published)
    ip_workers: int = 1_200_000          # employees of firms in industrial parks (published, about)
    fdi: int = 4_200                     # FDI firms (published count of projects)
    inactive: dict[str, int] = field(default_factory=lambda: {"suspended": 4_000, "dissolving": 1_200, "dissolved": 2_800})
    branches: int = 3_500
    ip_firms: int = 3_300                # active head offices in parks, digital ones included
    ip_digital: int = 160
    ip_fdi: int = 2_500
    state: int = 150
    survey_others: int = 1_650           # survey sample besides the large firms, all of which are taken

    def scaled(self, firms: int) -> "Targets":
        """Every count times ``firms`` / 65,000, the shares kept.

        >>> Targets().scaled(6_500).adopters, Targets().scaled(6_500).digital_tech_workers
        (4500, 5572)
        """
        if firms == self.active:
            return self
        if firms < MIN_FIRMS:
            raise AdoptionError(f"--firms {firms} is too small to calibrate; use {MIN_FIRMS:,} or more")
        factor = firms / self.active

        def scale(value: int) -> int:
            return max(1, round(value * factor))

        return replace(
            self, active=firms, adopters=scale(self.adopters), digital_tech=scale(self.digital_tech),
            digital_tech_workers=scale(self.digital_tech_workers), ip_workers=scale(self.ip_workers),
            fdi=scale(self.fdi), inactive={k: scale(v) for k, v in self.inactive.items()},
            branches=scale(self.branches), ip_firms=scale(self.ip_firms), ip_digital=scale(self.ip_digital),
            ip_fdi=scale(self.ip_fdi), state=scale(self.state), survey_others=max(60, scale(self.survey_others)),
        )


# Assumptions, each documented in data/README.md.
DISTRICT_SHARES = {
    "718": 0.20, "719": 0.04, "720": 0.05, "721": 0.12, "722": 0.03,
    "723": 0.12, "724": 0.18, "725": 0.22, "726": 0.04,
}
SECTION_SHARES = {
    "C": 0.30, "G": 0.35, "F": 0.09, "H": 0.05, "I": 0.04, "L": 0.03, "M": 0.04,
    "N": 0.03, "A": 0.01, "K": 0.01, "S": 0.02, "P": 0.01, "Q": 0.01, "R": 0.01,
}
# Legal forms by ownership.
LEGAL_FORM_SHARES = {
    "domestic_private": {"llc_one_member": 0.45, "llc_multi_member": 0.30, "joint_stock": 0.12, "private_enterprise": 0.122, "partnership": 0.002, "other": 0.006},
    "fdi": {"llc_one_member": 0.70, "llc_multi_member": 0.20, "joint_stock": 0.10},
    "state": {"llc_one_member": 0.5, "joint_stock": 0.5},
}
# Share of the digital group by VSIC prefix.
DIGITAL_TECH_MIX = {"26": 0.12, "27": 0.08, "4651": 0.12, "4652": 0.13, "582": 0.03, "61": 0.07, "62": 0.30, "63": 0.08, "951": 0.07}
# Share of adopters using each platform category.
PLATFORM_SHARES = {
    "digital_payment": 0.60, "cloud_accounting": 0.45, "digital_marketing": 0.45,
    "online_public_services": 0.40, "ecommerce": 0.30, "management_software": 0.18,
}
# First two digits of tax codes: where a firm was first registered (assumed shares).
TAX_PREFIX_SHARES = {"37": 0.97, "03": 0.02, "01": 0.01}
ADOPTION_START = date(2018, 1, 1)
DATA_CUTOFF = date(2023, 9, 30)
