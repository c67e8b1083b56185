package dev.convoy.app;

import dev.convoy.errors.Causes;
import dev.convoy.job.CodedJob;
import dev.convoy.job.CodedJobs;
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

/** Builds the config's jobs: configured ones from Convoy's stages, coded ones from their {@link CodedJob} class. */
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
    Job.Source read = session -> session.readStream().format(source.format()).options(source.options()).load();
    Job.Settings run = new Job.Settings(j.trigger(), j.checkpoint(), j.weight(), j.shufflePartitions(), j.restart());
    UpsertSink.Settings settings = new UpsertSink.Settings(RetryPolicy.DEFAULT.withOutageLimit(config.warehouse().outageLimit()),
        config.warehouse().ledgerRetention());
    if (j.code().isPresent()) {
      CodedJob<?, ?> coded = instantiate(j);
      Job.Sink sink = new BucketSink(warehouse, j.name(), CodedJobs.table(coded, j.table()), settings, counters);
      return CodedJobs.assemble(j.name(), run, read, coded, counters, sink);
    }
    HourlyBuckets buckets = new HourlyBuckets(j.aggregation(), counters.lateEvents());
    DecodeEvents decode = new DecodeEvents(j.name(), j.eventType(), j.wireProtocol(), counters.deadLetters());
    Job.Sink sink = new BucketSink(warehouse, j.name(), BucketSink.table(j.aggregation(), j.table()), settings, counters);
    return new Job(j.name(), run, read, decode::apply, buckets::apply, sink);
  }

  /** The config checked the class at start-up; what its constructor throws is the job's to tell. */
  private static CodedJob<?, ?> instantiate(JobConfig j) {
    String className = j.code().orElseThrow();
    try {
      Class<?> c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
      return (CodedJob<?, ?>) c.getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("job '" + j.name() + "' field 'code': cannot make a " + className + ": " + Causes.message(e), e);
    }
  }
}
