package dev.convoy.job;

import dev.convoy.config.ConvoyConfig;
import dev.convoy.config.JobConfig;
import dev.convoy.sink.DeadLetterSink;
import dev.convoy.sink.RedshiftWarehouse;
import dev.convoy.sink.UpsertSink;
import dev.convoy.sink.Warehouse;
import dev.convoy.source.SourceSelection;
import dev.convoy.transform.DecodeEvents;
import dev.convoy.transform.HourlyBuckets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Builds the configured jobs from the same stages a coded job uses. */
public final class ConfiguredJobs {

  private ConfiguredJobs() {}

  /** @param counters where each job's dead-letter and late-event counts go (one pair per job) */
  public static List<Job> from(ConvoyConfig config, SourceSelection sources, Map<String, String> env,
                               Function<String, JobCounters> counters) {
    Warehouse warehouse = new RedshiftWarehouse(config.redshift(), env);
    return config.jobs().stream().map(j -> of(j, config, sources, warehouse, counters.apply(j.name()))).toList();
  }

  public static Job of(JobConfig j, ConvoyConfig config, SourceSelection sources, Warehouse warehouse, JobCounters counters) {
    SourceSelection.Resolved source = sources.resolve(j.source(), j.sourceOptions());
    HourlyBuckets buckets = new HourlyBuckets(j.aggregation(), counters.lateEvents());
    DecodeEvents decode = new DecodeEvents(j.name(), j.eventType(), j.wireProtocol(), config.redshift(),
        j.table(), counters.deadLetters());
    Job.Sink sink = new PreparedWithDeadLetters(new BucketSink(warehouse, j.name(), buckets.table(j.table())),
        new DeadLetterSink(new UpsertSink(warehouse, j.name(), DeadLetterSink.spec(j.table()))));
    return new Job(j.name(),
        new Job.Settings(j.trigger(), j.checkpoint(), j.weight(), j.shufflePartitions(), j.restart()),
        session -> session.readStream().format(source.format()).options(source.options()).load(),
        decode::apply,
        buckets::apply,
        sink);
  }

  /** The bucket sink, whose start-up also creates the dead-letter table the decode tasks write to. */
  private record PreparedWithDeadLetters(BucketSink buckets, DeadLetterSink deadLetters) implements Job.Sink {
    @Override
    public void prepare() {
      // The driver only creates the dead-letter table; the decode tasks write to it on their own
      // connections. Releasing this one keeps a driver of N jobs at N warehouse connections.
      deadLetters.prepare();
      deadLetters.close();
      buckets.prepare();
    }

    @Override
    public void write(Dataset<Row> batch, long batchId) {
      buckets.write(batch, batchId);
    }

    @Override
    public void close() {
      buckets.close();
    }
  }
}
