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
   * Distinct subscribers in the bucket, estimated with HyperLogLog++ ({@code approx_count_distinct})
   * at a relative standard deviation of {@link #APPROX_RSD}: the state holds a fixed sketch of a few KB
   * per bucket instead of every subscriber id. docs/benchmarks.md measures both.
   */
  APPROX_DISTINCT_SUBSCRIBERS;

  /** 2%: Spark then keeps 4,096 six-bit registers per bucket (about 3 KB). */
  public static final double APPROX_RSD = 0.02;

  public String column() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Metric parse(String text) {
    return Arrays.stream(values()).filter(m -> m.column().equals(text.strip())).findFirst().orElseThrow(() ->
        new IllegalArgumentException("'" + text + "' is not a metric; use events, distinct_subscribers or approx_distinct_subscribers"));
  }
}
