package dev.convoy.tools;

import dev.convoy.backoff.ExponentialBackoff;
import dev.convoy.source.kinesis.proxy.KinesisAccessException;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy.OutgoingRecord;
import dev.convoy.source.kinesis.proxy.StreamProxy.PutResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Puts a {@link ProducePlan}'s events into Kinesis with PutRecords: batches of at most 500 records
 * and 5 MiB per stream, records a batch rejects put again with backoff, whole calls that are
 * throttled retried with backoff. Counts only what Kinesis acknowledged.
 */
public final class Producer {

  static final int MAX_BATCH_RECORDS = 500;
  static final int MAX_BATCH_BYTES = 5 * 1024 * 1024;
  private static final int MAX_ATTEMPTS = 12;
  private static final Duration BASE_BACKOFF = Duration.ofMillis(50);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

  /** Progress of a run, reported every couple of seconds. */
  public record Progress(long written, Long target, double recordsPerSecond, long retried) {}

  /** The run stopped; {@code report} holds what was written before it did. */
  public static final class ProduceFailedException extends RuntimeException {
    private final transient ProduceReport report;

    ProduceFailedException(String message, ProduceReport report, Throwable cause) {
      super(message, cause);
      this.report = report;
    }

    public ProduceReport report() {
      return report;
    }
  }

  private final StreamProxy proxy;
  private final Consumer<Progress> progress;

  public Producer(StreamProxy proxy, Consumer<Progress> progress) {
    this.proxy = proxy;
    this.progress = progress;
  }

  public ProduceReport run(ProducePlan plan) throws InterruptedException {
    ProduceReport report = new ProduceReport();
    EventGenerator generator = new EventGenerator(plan);
    Map<String, Batch> batches = new LinkedHashMap<>();
    long start = System.nanoTime();
    long deadline = plan.duration().map(d -> start + d.toNanos()).orElse(Long.MAX_VALUE);
    long target = plan.count().orElse(Long.MAX_VALUE);
    long lastProgress = start;
    try {
      for (long i = 0; i < target && System.nanoTime() < deadline; i++) {
        if (plan.rate() > 0) pace(start, i, plan.rate());
        EventGenerator.Planned record = generator.next();
        Batch batch = batches.computeIfAbsent(record.stream(), s -> new Batch());
        if (!batch.fits(record)) put(record.stream(), batch, report);
        batch.add(record);
        if (batch.records.size() == MAX_BATCH_RECORDS) put(record.stream(), batch, report);
        long now = System.nanoTime();
        if (now - lastProgress >= PROGRESS_EVERY_NANOS) {
          lastProgress = now;
          progress.accept(new Progress(report.written(), plan.count().orElse(null),
              report.written() / ((now - start) / 1e9), report.retried()));
        }
      }
      for (var e : batches.entrySet()) put(e.getKey(), e.getValue(), report);
    } catch (KinesisAccessException e) {
      throw new ProduceFailedException(e.getMessage(), report, e);
    }
    return report;
  }

  /** Puts a batch until every record is accepted, putting rejected ones again after a backoff. */
  private void put(String stream, Batch batch, ProduceReport report) throws InterruptedException {
    List<EventGenerator.Planned> pending = batch.records;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      List<PutResult> results;
      try {
        results = proxy.putRecords(stream, pending.stream().map(r -> new OutgoingRecord(r.partitionKey(), r.data())).toList());
      } catch (KinesisAccessException e) {
        if (!e.retryable() || attempt >= MAX_ATTEMPTS) throw e;
        report.recordRetried(pending.size());
        backoff(attempt);
        continue;
      }
      List<EventGenerator.Planned> rejected = new ArrayList<>();
      String lastError = null;
      for (int i = 0; i < results.size(); i++) {
        switch (results.get(i)) {
          case PutResult.Accepted a -> report.recordWritten(pending.get(i));
          case PutResult.Rejected r -> {
            rejected.add(pending.get(i));
            lastError = r.errorCode() + ": " + r.message();
          }
        }
      }
      if (!rejected.isEmpty()) {
        if (attempt >= MAX_ATTEMPTS) {
          throw new KinesisAccessException(rejected.size() + " records to stream '" + stream + "' still rejected after "
              + attempt + " attempts (last: " + lastError + ")", false, null);
        }
        report.recordRetried(rejected.size());
        backoff(attempt);
      }
      pending = rejected;
    }
    batch.clear();
  }

  private static void backoff(int attempt) throws InterruptedException {
    // Equal jitter: retries of many producers (or shards) do not fall into step.
    Thread.sleep(new ExponentialBackoff(BASE_BACKOFF, MAX_BACKOFF).equalJitter(attempt));
  }

  private static void pace(long start, long index, double rate) throws InterruptedException {
    long due = start + (long) (index * 1e9 / rate);
    long wait = due - System.nanoTime();
    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
  }

  private static final class Batch {
    private List<EventGenerator.Planned> records = new ArrayList<>();
    private long bytes;

    boolean fits(EventGenerator.Planned r) {
      return bytes + size(r) <= MAX_BATCH_BYTES;
    }

    void add(EventGenerator.Planned r) {
      records.add(r);
      bytes += size(r);
    }

    void clear() {
      records = new ArrayList<>();
      bytes = 0;
    }

    private static long size(EventGenerator.Planned r) {
      return r.data().length + r.partitionKey().length();
    }
  }
}
