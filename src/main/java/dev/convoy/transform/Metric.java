package dev.convoy.transform;

import java.util.Arrays;
import java.util.Locale;

/** A bucket's measures, each an absolute value for the whole bucket. */
public enum Metric {
  /** Events in the bucket. */
  EVENTS,
  /** Distinct subscribers in the bucket, exact (the state keeps the set until the watermark passes). */
  DISTINCT_SUBSCRIBERS,
  /**
   * Distinct subscribers in the bucket, estimated with a HyperLogLog sketch (Apache DataSketches,
   * Spark's {@code hll_sketch_agg}) of {@code 2^}{@link #APPROX_LG_K} registers: the state holds the
   * sketch, at most about 4 KB per bucket, instead of every subscriber id. docs/benchmarks.md measures both.
   */
  APPROX_DISTINCT_SUBSCRIBERS;

  /**
   * 4,096 registers. Not Spark's {@code approx_count_distinct}: its aggregation buffer is one long
   * column per 10 registers, and Spark generates code over all of them for every task, about 0.7 s a batch.
   */
  public static final int APPROX_LG_K = 12;

  /** The sketch's relative standard error at {@link #APPROX_LG_K} once partial sketches are merged: 1.62 %. */
  public static final double APPROX_RSD = 0.0162;

  public String column() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Metric parse(String text) {
    return Arrays.stream(values()).filter(m -> m.column().equals(text.strip())).findFirst().orElseThrow(() ->
        new IllegalArgumentException("'" + text + "' is not a metric; use events, distinct_subscribers or approx_distinct_subscribers"));
  }
}
