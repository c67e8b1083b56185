package dev.convoy.job;

import dev.convoy.events.DeadLetter;
import dev.convoy.sink.Column;
import dev.convoy.sink.ColumnType;
import dev.convoy.sink.Identifier;
import dev.convoy.sink.TableName;
import dev.convoy.sink.TableSpec;
import dev.convoy.transform.Aggregation;
import dev.convoy.transform.HourlyBuckets;
import dev.convoy.sink.SinkMetrics;
import dev.convoy.sink.UpsertSink;
import dev.convoy.sink.Warehouse;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;

/**
 * The sink of bucket rows: each micro-batch collected on the driver and upserted, with the dead letters
 * its decode tasks found, in one transaction.
 */
public final class BucketSink implements Job.Sink {

  private final UpsertSink sink;
  private final CollectionAccumulator<DeadLetter> deadLetters;
  private final LongAdder deadLettersWritten;

  public BucketSink(Warehouse warehouse, String job, TableSpec table, UpsertSink.Settings settings, JobCounters counters) {
    this.sink = new UpsertSink(warehouse, job, table, settings, Clock.systemUTC(), UpsertSink.StepProbe.NONE);
    this.deadLetters = counters.deadLetters();
    this.deadLettersWritten = counters.deadLettersWritten();
  }

  /** The target table of {@code aggregation}'s buckets: bucket start and dimensions as the key, metrics as values. */
  public static TableSpec table(Aggregation aggregation, TableName name) {
    List<Column> columns = new ArrayList<>();
    columns.add(Column.key("bucket_start", ColumnType.TIMESTAMP));
    aggregation.dimensions().forEach(d -> columns.add(Column.key(d.column(), ColumnType.varchar(HourlyBuckets.DIMENSION_BYTES))));
    aggregation.metrics().forEach(m -> columns.add(Column.value(m.column(), ColumnType.BIGINT)));
    // Sorted by hour: the MERGE's join and on-call's queries both look up recent buckets.
    return new TableSpec(name, columns, java.util.Optional.empty(), List.of(new Identifier("bucket_start")));
  }

  @Override
  public void prepare() {
    sink.prepare();
  }

  @Override
  public Job.Write collect(Dataset<Row> batch, long batchId) {
    // The accumulator is this job's alone and its batches run one after another: empty it, run the
    // batch (the collect runs the decode tasks), then take what they found.
    deadLetters.reset();
    // Update mode emits only the buckets this batch changed: a few thousand rows, fine to collect.
    List<Object[]> values = BatchRows.collect(batch);
    List<DeadLetter> dead = List.copyOf(deadLetters.value());
    deadLetters.reset();
    for (Object[] v : values) {
      for (int i = 0; i < v.length; i++) if (v[i] instanceof Timestamp t) v[i] = t.toInstant();
    }
    return () -> deadLettersWritten.add(sink.upsert(batchId, values, dead).deadLetters());
  }

  @Override
  public Optional<UpsertSink.Waiting> waiting() {
    return sink.waiting();
  }

  @Override
  public SinkMetrics.Snapshot metrics() {
    return sink.metrics().snapshot();
  }

  @Override
  public void close() {
    sink.close();
  }
}
