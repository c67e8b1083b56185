package dev.convoy.config;

import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.sink.TableName;
import dev.convoy.source.SourceChoice;
import dev.convoy.job.RestartPolicy;
import dev.convoy.transform.Aggregation;
import java.time.Duration;
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
}
