package dev.convoy.transform;

import java.time.Duration;
import java.util.List;

/** Buckets of {@code window} (an hour by default) keyed by the dimensions, with the metrics as values, until the watermark passes. */
public record Aggregation(Duration window, Duration watermark, List<Dimension> dimensions, List<Metric> metrics) {
  public Aggregation {
    dimensions = List.copyOf(dimensions);
    metrics = List.copyOf(metrics);
  }
}
