package dev.convoy.control;

import dev.convoy.control.JobState;
import dev.convoy.control.JobStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: every job's status as Prometheus metrics (label {@code job}), the number of
 * jobs per state, and the JVM's heap, GC and threads, through Micrometer's Prometheus registry. Values
 * are read from the driver's status when scraped; counters count since this driver started, as
 * {@code /jobs} does. docs/runbook.md lists them and the alerts built on them.
 */
final class PrometheusMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Supplier<List<JobStatus>> status;
  private final Map<String, JobStatus> latest = new ConcurrentHashMap<>();
  private final JvmGcMetrics gc = new JvmGcMetrics();

  PrometheusMetrics(Supplier<List<JobStatus>> status) {
    this.status = status;
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    for (JobState state : JobState.values()) {
      Gauge.builder("convoy_jobs", latest, m -> m.values().stream().filter(s -> s.state() == state).count())
          .description("Jobs in each state").tag("state", state.name()).register(registry);
    }
  }

  /** The text Prometheus scrapes, as of now. */
  String scrape() {
    List<JobStatus> now = status.get();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (JobStatus s : now) {
      names.add(s.name());
      if (latest.put(s.name(), s) == null) register(s.name());
    }
    // A job removed live ('bin/convoy apply') leaves the scrape: its series end rather than freeze.
    for (String gone : List.copyOf(latest.keySet())) {
      if (names.contains(gone)) continue;
      registry.getMeters().stream().filter(m -> gone.equals(m.getId().getTag("job"))).toList().forEach(registry::remove);
      latest.remove(gone);
    }
    return registry.scrape();
  }

  private void register(String job) {
    for (JobState state : JobState.values()) {
      gauge("convoy_job_state", "1 for the job's current state, 0 for the others", job, s -> s.state() == state ? 1 : 0, "state", state.name());
    }
    gauge("convoy_job_last_batch_id", "Spark's id of the job's last batch (-1 before the first)", job, JobStatus::lastBatchId);
    gauge("convoy_job_input_rows_per_second", "Rows per second arriving in the last batch", job, JobStatus::inputRowsPerSecond);
    gauge("convoy_job_processed_rows_per_second", "Rows per second processed in the last batch", job, JobStatus::processedRowsPerSecond);
    gauge("convoy_job_last_batch_duration_seconds", "Duration of the last batch", job, s -> s.batchDurationMs() / 1e3);
    gauge("convoy_job_source_lag_seconds", "The source's largest millisBehindLatest over the job's shards", job, s -> s.sourceLagMs() / 1e3);
    gauge("convoy_job_cluster_wait_seconds", "How long the current batch has waited for its turn on the executors", job,
        s -> s.clusterWaitMs() / 1e3);
    gauge("convoy_job_warehouse_wait_seconds", "How long the current batch has waited for the warehouse (0 when it does not)", job,
        s -> s.waitingSince() == null ? 0 : Math.max(0, (Instant.now().toEpochMilli() - Instant.parse(s.waitingSince()).toEpochMilli()) / 1e3));
    counter("convoy_job_late_events", "Events dropped behind the watermark", job, JobStatus::lateEvents);
    counter("convoy_job_dead_letters", "Malformed records committed to the job's dead-letter table", job, JobStatus::deadLetters);
    counter("convoy_job_restarts", "Restarts of the job's query after a failure", job, JobStatus::restarts);
    counter("convoy_job_batches", "Batches the job's sink committed", job, s -> s.sink().batches());
    counter("convoy_job_sink_rows_inserted", "Bucket rows the sink inserted", job, s -> s.sink().rowsInserted());
    counter("convoy_job_sink_rows_updated", "Bucket rows the sink updated", job, s -> s.sink().rowsUpdated());
    counter("convoy_job_sink_retries", "Warehouse transactions retried", job, s -> s.sink().retries());
    counter("convoy_job_sink_write_seconds", "Time spent writing batches to the warehouse", job, s -> s.sink().totalWriteMillis() / 1e3);
  }

  private void gauge(String name, String help, String job, ToDoubleFunction<JobStatus> value, String... tags) {
    Gauge.builder(name, latest, m -> value.applyAsDouble(m.get(job))).description(help).tag("job", job).tags(tags).register(registry);
  }

  private void counter(String name, String help, String job, ToDoubleFunction<JobStatus> value) {
    FunctionCounter.builder(name, latest, m -> value.applyAsDouble(m.get(job))).description(help).tag("job", job).register(registry);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
