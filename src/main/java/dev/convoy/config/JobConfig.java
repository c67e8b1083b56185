package dev.convoy.config;

import dev.convoy.backoff.ExponentialBackoff;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.sink.TableName;
import dev.convoy.source.SourceChoice;
import dev.convoy.transform.Dimension;
import dev.convoy.transform.Metric;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One configured job, validated. */
public record JobConfig(
    String name,
    String stream,
    EventType eventType,
    WireProtocol wireProtocol,
    SourceChoice source,
    Map<String, String> sourceOptions,
    Aggregation aggregation,
    TableName table,
    Duration trigger,
    String checkpoint,
    int weight,
    int shufflePartitions,
    RestartPolicy restart) {

  public JobConfig {
    sourceOptions = Map.copyOf(sourceOptions);
  }

  /** Hourly (by default) buckets keyed by the dimensions, with the metrics as values. */
  public record Aggregation(Duration window, Duration watermark, List<Dimension> dimensions, List<Metric> metrics) {
    public Aggregation {
      dimensions = List.copyOf(dimensions);
      metrics = List.copyOf(metrics);
    }
  }

  /** How the supervisor restarts a failed query: exponential backoff, at most {@code maxRestarts} in a row. */
  public record RestartPolicy(int maxRestarts, Duration backoff, Duration maxBackoff) {
    public RestartPolicy {
      new ExponentialBackoff(backoff, maxBackoff); // refuses a zero backoff or a cap below it at start-up, not at the first restart
    }

    /** No jitter: one job restarting races nobody. */
    public Duration delay(int restart) {
      return new ExponentialBackoff(backoff, maxBackoff).ceiling(restart);
    }
  }
}
