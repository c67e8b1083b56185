package dev.convoy.transform;

import java.util.Arrays;
import java.util.Locale;

/** A bucket's measures, each an absolute value for the whole bucket. */
public enum Metric {
  /** Events in the bucket. */
  EVENTS,
  /** Distinct subscribers in the bucket, exact (the state keeps the set until the watermark passes). */
  DISTINCT_SUBSCRIBERS;

  public String column() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Metric parse(String text) {
    return Arrays.stream(values()).filter(m -> m.column().equals(text.strip())).findFirst().orElseThrow(() ->
        new IllegalArgumentException("'" + text + "' is not a metric; use events or distinct_subscribers"));
  }
}
