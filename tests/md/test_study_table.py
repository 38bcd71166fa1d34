"""The correlation table of the LJ study (validation/md_study/study_table.py): Pearson r on
synthetic data with a known sample correlation, missing values left out, the Eastman column
"not computed" unless a fit wrote it, and the table/plot written from product-style files."""
import csv
import math
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

SRC = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(SRC / "validation" / "md_study"))
import study_table as st  # noqa: E402


def with_correlation(r, n, seed):
    """x, y whose sample Pearson correlation is exactly r (y built from x and a part of a random
    vector orthogonal to x)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    z = rng.normal(size=n)
    xc = (x - x.mean()) / np.linalg.norm(x - x.mean())
    zc = z - z.mean()
    zc -= (zc @ xc) * xc
    zc /= np.linalg.norm(zc)
    return x, 3.0 + 2.0 * (r * xc + math.sqrt(1 - r * r) * zc)


class Pearson(unittest.TestCase):
    def test_known_correlation_is_returned(self):
        for r, n, seed in ((0.6, 12, 1), (-0.93, 5, 2), (0.0, 40, 3)):
            x, y = with_correlation(r, n, seed)
            got, m, p = st.pearson(list(x), list(y))
            self.assertEqual(m, n)
            self.assertAlmostEqual(got, r, delta=1e-12)
            self.assertTrue(0.0 <= p <= 1.0)

    def test_missing_points_are_left_out_and_counted(self):
        x, y = with_correlation(0.8, 6, 4)
        got, n, _ = st.pearson(list(x) + [None, 1.0, float("nan")],
                               list(y) + [2.0, None, 1.0])
        self.assertEqual(n, 6)
        self.assertAlmostEqual(got, 0.8, delta=1e-12)

    def test_fewer_than_three_points_have_no_coefficient(self):
        got, n, p = st.pearson([1.0, 2.0, None], [2.0, 1.0, 5.0])
        self.assertEqual(n, 2)
        self.assertTrue(math.isnan(got) and math.isnan(p))


class EastmanColumn(unittest.TestCase):
    def test_not_computed_unless_the_fit_wrote_it(self):
        p = {"S_T_prigogine_models": (0.1, 0.01)}
        self.assertEqual(st.model_column(p, "eastman"), st.NOT_COMPUTED)
        p["S_T_eastman_models"] = (2.0, 0.5)
        self.assertEqual(st.model_column(p, "eastman"), (2.0, 0.5))

    def test_parameter_file_is_read_per_solute(self):
        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / "eastman.toml"
            f.write_text('[solutes."eps0.5_m1"]\ndG_dT = -1.5\ndG_dT_uncertainty = 0.25\n')
            self.assertEqual(st.read_eastman(f), {"eps0.5_m1": (-1.5, 0.25)})


PARAMS = """[parameters.S_T]
value = {st}
uncertainty = 0.1
[parameters.E_a_solute]
value = 1.0
uncertainty = 0.1
[parameters.E_a_solvent]
value = 1.1
uncertainty = 0.1
[parameters.S_T_prigogine_models]
value = {pr}
uncertainty = 0.2
[parameters.S_T_mass_corrected_models]
value = {mc}
uncertainty = 0.3
"""


class Table(unittest.TestCase):
    def test_table_and_correlations_from_product_files(self):
        ratios = [0.5, 0.8, 1.0, 1.4, 2.0]
        sts = [-1.0, 0.2, 0.1, 1.3, 1.5]
        solutes = [(1.0, m) for m in (0.5, 1.0, 2.0, 4.0, 8.0)]

        def tag(e, m):
            return f"e{e:g}_m{m:g}"

        with tempfile.TemporaryDirectory() as d:
            out = Path(d)
            for (e, m), q, s in zip(solutes, ratios, sts):
                sd = out / tag(e, m)
                sd.mkdir()
                (sd / "params.toml").write_text(PARAMS.format(st=s, pr=-s, mc=2 * s))
                (sd / "short_short_time.dat").write_text(
                    "# x\n# t ratio ratio_err msd_solute msd_solute_err msd_solvent "
                    f"msd_solvent_err\n0.1 {q} 0.01 0.03 0.001 0.03 0.001\n")
                (sd / "short_msd.dat").write_text(
                    "# t msd_solute msd_solute_err msd_solvent msd_solvent_err ratio ratio_err\n"
                    f"0.1 0.03 0.001 0.03 0.001 {q} 0.01\n1.0 1.0 0.1 1.0 0.1 {q} 0.05\n")
            settings = {"replicas": 3, "production_steps": 1000}
            st.build(out, solutes, tag, lambda e, m: None, settings, {}, False, 1.0)
            with open(out / "study_table.csv") as f:
                rows = list(csv.reader(f))[1:]
            head, body = rows[0], rows[1:]
            self.assertEqual(len(body), 5)
            east = head.index("S_T_eastman")
            self.assertTrue(all(r[east] == st.NOT_COMPUTED for r in body))
            self.assertEqual([float(r[head.index("short_ratio")]) for r in body], ratios)
            with open(out / "study_correlations.csv") as f:
                corr = {r[0]: r for r in csv.reader(f)}
            self.assertEqual(corr["S_T_eastman"][1], "0")
            self.assertEqual(corr["S_T_eastman"][2], st.NOT_COMPUTED)
            self.assertAlmostEqual(float(corr["S_T_prigogine"][2]), -1.0, delta=1e-4)
            self.assertAlmostEqual(float(corr["short_ratio"][2]),
                                   np.corrcoef(ratios, sts)[0, 1], delta=1e-4)
            self.assertEqual(corr["short_ratio"][1], "5")
            self.assertTrue((out / "study.png").stat().st_size > 0)


if __name__ == "__main__":
    unittest.main()
