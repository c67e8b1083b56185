package dev.convoy.config;

import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.sink.TableName;
import dev.convoy.source.SourceChoice;
import dev.convoy.job.RestartPolicy;
import dev.convoy.transform.Aggregation;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One job of the config, validated. A configured job counts events into buckets ({@code eventType},
 * {@code wireProtocol}, {@code aggregation}); a coded job names a {@link dev.convoy.job.CodedJob}
 * class in {@code code} and has none of those three (they are null).
 */
public record JobConfig(
    String name,
    Optional<String> code,
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
}
