"""The synthetic workforce and training records of the industrial parks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..core import reference
from .targets import DEFAULT_SEED

# Workforce records: quarters of the reference year, and assumed training behaviour.
QUARTERS = ("2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4")
WORKFORCE_QUARTER_SWING = 0.03       # workers move by up to 3% between quarters
WORKFORCE_TRAINED_SHARE = (0.15, 0.65)  # share of workers trained in a quarter, by park
WORKFORCE_HOURS_PER_TRAINEE = (3.0, 12.0)  # hours delivered per trained worker in a quarter


def workforce_records(register: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Quarterly workforce and training records of the 29 parks for the reference year.

    Workers per park are the employees of the park's active head offices in the register
    (about 1.2 million in all), moved by up to 3% between quarters; the share trained and
    the hours per trainee are drawn per park within the ranges above (assumed).
    """
    rng = np.random.default_rng(seed + 3)
    heads = register[(register["status"] == "active") & ~register["tax_code"].str.contains("-") & register["industrial_park"].notna()]
    workers = heads.groupby("industrial_park")["employees"].sum()
    parks = reference.industrial_parks().set_index("park_name")
    rows = []
    for park, total in workers.items():
        trained_share = rng.uniform(*WORKFORCE_TRAINED_SHARE)
        hours_each = rng.uniform(*WORKFORCE_HOURS_PER_TRAINEE)
        for quarter in QUARTERS:
            count = int(round(total * (1 + rng.uniform(-WORKFORCE_QUARTER_SWING, WORKFORCE_QUARTER_SWING))))
            trained = int(round(count * trained_share * rng.uniform(0.8, 1.2)))
            rows.append({"industrial_park": park, "district_code": parks.loc[park, "district_code"], "period": quarter,
                         "workers": count, "workers_trained": min(trained, count),
                         "training_hours": int(round(min(trained, count) * hours_each))})
    return pd.DataFrame(rows)


def write_workforce(records: pd.DataFrame, raw_dir: Path) -> Path:
    path = raw_dir / "workforce" / "synthetic_workforce_2023.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    names = dict(zip(reference.admin_units()["district_code"], reference.admin_units()["district"]))
    pd.DataFrame({
        "Khu công nghiệp": records["industrial_park"], "Huyện/Thị xã/Thành phố": records["district_code"].map(names),
        "Kỳ": records["period"].str.replace(r"(\d{4})-Q(\d)", r"Quý \2/\1", regex=True),
        "Số lao động": records["workers"], "Số lao động được đào tạo": records["workers_trained"],
        "Số giờ đào tạo": records["training_hours"],
    }).to_csv(path, index=False, encoding="utf-8")
    return path

