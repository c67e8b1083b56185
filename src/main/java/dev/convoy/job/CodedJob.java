package dev.convoy.job;

import dev.convoy.sink.Column;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;

/**
 * A job whose business rules are code, typed end to end: each payload's bytes to a {@code T}, the
 * {@code Dataset<T>} to a {@code Dataset<U>}, and {@code U}'s rows upserted into the job's table by
 * Convoy's exactly-once sink (one transaction per batch, with its dead letters and ledger row). It
 * runs beside the configured jobs: name it in the config ({@code code: com.example.MyJob}, with the
 * job's stream, table, trigger, …) and it gets the same source, supervisor, pool, control and apply.
 * The class needs a public no-argument constructor; it is serialized to the executors for
 * {@link #decode}.
 *
 * <p>The query runs in update mode: {@link #transform} must emit rows that carry absolute values for
 * their key (a bucket's full count, as an aggregation with a watermark does), so a replayed batch
 * writes the same numbers.
 *
 * @param <T> a decoded event ({@link #events()} says how Spark holds it)
 * @param <U> a row of the job's table; its columns are matched by name to {@link #columns()}
 */
public interface CodedJob<T, U> extends Serializable {

  /** How Spark holds a decoded event, e.g. {@code Encoders.bean(Click.class)}. */
  Encoder<T> events();

  /** One payload to one event; throw on a payload the job cannot read: it becomes a dead letter with the message. */
  T decode(byte[] payload) throws Exception;

  /** The job's rules: decoded events to the rows of its table. */
  Dataset<U> transform(Dataset<T> events);

  /** The table's columns: the keys (the upsert's match) and the values, by the names {@link #transform} gives them. */
  List<Column> columns();
}
