package dev.convoy.app;

import dev.convoy.job.Job;
import dev.convoy.job.JobCounters;
import dev.convoy.job.BucketSink;

import dev.convoy.config.ConvoyConfig;
import dev.convoy.config.JobConfig;
import dev.convoy.sink.RedshiftWarehouse;
import dev.convoy.sink.RetryPolicy;
import dev.convoy.sink.UpsertSink;
import dev.convoy.sink.Warehouse;
import dev.convoy.source.SourceSelection;
import dev.convoy.transform.DecodeEvents;
import dev.convoy.transform.HourlyBuckets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Builds the configured jobs from the same stages a coded job uses. */
public final class ConfiguredJobs {

  private ConfiguredJobs() {}

  /** @param counters where each job's dead letters and late-event counts go (one set per job) */
  public static List<Job> from(ConvoyConfig config, SourceSelection sources, Map<String, String> env,
                               Function<String, JobCounters> counters) {
    Warehouse warehouse = new RedshiftWarehouse(config.redshift(), env);
    return config.jobs().stream().map(j -> of(j, config, sources, warehouse, counters.apply(j.name()))).toList();
  }

  public static Job of(JobConfig j, ConvoyConfig config, SourceSelection sources, Warehouse warehouse, JobCounters counters) {
    SourceSelection.Resolved source = sources.resolve(j.source(), j.sourceOptions());
    HourlyBuckets buckets = new HourlyBuckets(j.aggregation(), counters.lateEvents());
    DecodeEvents decode = new DecodeEvents(j.name(), j.eventType(), j.wireProtocol(), counters.deadLetters());
    UpsertSink.Settings settings = new UpsertSink.Settings(RetryPolicy.DEFAULT.withOutageLimit(config.warehouse().outageLimit()),
        config.warehouse().ledgerRetention());
    Job.Sink sink = new BucketSink(warehouse, j.name(), BucketSink.table(j.aggregation(), j.table()), settings, counters);
    return new Job(j.name(),
        new Job.Settings(j.trigger(), j.checkpoint(), j.weight(), j.shufflePartitions(), j.restart()),
        session -> session.readStream().format(source.format()).options(source.options()).load(),
        decode::apply,
        buckets::apply,
        sink);
  }
}
