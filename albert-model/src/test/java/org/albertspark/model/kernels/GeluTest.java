package org.albertspark.model.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Φ(x) against published values (to 16 digits): exact GELU depends on it. */
class GeluTest {

  @Test
  void normalCdfMatchesReferenceValues() {
    double[][] cases = {
      {0, 0.5},
      {1, 0.8413447460685429},
      {-1, 0.15865525393145707},
      {2, 0.9772498680518208},
      {-2, 0.022750131948179195},
      {-3, 0.0013498980316300946},
      {-5, 2.866515718791939e-07},
      {-8, 6.220960574271785e-16},
      {0.3, 0.6179114221889527},
      {-0.7, 0.24196365222307303},
      {3.5, 0.9997673709209645},
      {-12, 1.7764821120776e-33},
    };
    for (double[] c : cases) {
      double got = Gelu.normalCdf(c[0]);
      assertEquals(c[1], got, 1e-9 * c[1], "Phi(" + c[0] + ")");
    }
  }

  @Test
  void normalCdfIsMonotoneAndBounded() {
    double prev = 0;
    for (double x = -40; x <= 40; x += 0.001) {
      double p = Gelu.normalCdf(x);
      assertEquals(true, p >= prev && p <= 1, "at " + x);
      prev = p;
    }
  }
}
