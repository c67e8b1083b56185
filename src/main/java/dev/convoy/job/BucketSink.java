package dev.convoy.job;

import dev.convoy.sink.TableSpec;
import dev.convoy.sink.UpsertSink;
import dev.convoy.sink.Warehouse;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The sink of bucket rows: each micro-batch collected on the driver and upserted in one transaction. */
public final class BucketSink implements Job.Sink {

  private final UpsertSink sink;

  public BucketSink(Warehouse warehouse, String job, TableSpec table) {
    this.sink = new UpsertSink(warehouse, job, table);
  }

  @Override
  public void prepare() {
    sink.prepare();
  }

  @Override
  public void write(Dataset<Row> batch, long batchId) {
    // Update mode emits only the buckets this batch changed: a few thousand rows, fine to collect.
    List<Row> rows = batch.collectAsList();
    List<Object[]> values = new ArrayList<>(rows.size());
    for (Row r : rows) {
      Object[] v = new Object[r.size()];
      for (int i = 0; i < v.length; i++) v[i] = r.get(i) instanceof Timestamp t ? t.toInstant() : r.get(i);
      values.add(v);
    }
    sink.upsert(batchId, values);
  }

  public UpsertSink upsertSink() {
    return sink;
  }

  @Override
  public void close() {
    sink.close();
  }
}
