package dev.convoy.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.datasketches.hll.HllSketch;
import org.junit.jupiter.api.Test;

class MetricTest {

  @Test
  void theDocumentedErrorIsTheSketchsOwnBoundAtItsSize() {
    // Merged partial sketches ("out of order" in DataSketches' terms) have the wider of its two bounds.
    HllSketch sketch = new HllSketch(Metric.APPROX_LG_K);
    double upper = Math.abs(sketch.getRelErr(true, true, Metric.APPROX_LG_K, 1));
    double lower = Math.abs(sketch.getRelErr(false, true, Metric.APPROX_LG_K, 1));

    assertThat(Metric.APPROX_RSD).isCloseTo(Math.max(upper, lower), within(0.0001));
  }

  @Test
  void metricsParseByTheirColumnNames() {
    assertThat(Metric.parse(" approx_distinct_subscribers ")).isEqualTo(Metric.APPROX_DISTINCT_SUBSCRIBERS);
    assertThat(Metric.APPROX_DISTINCT_SUBSCRIBERS.column()).isEqualTo("approx_distinct_subscribers");
  }
}
