package dev.convoy.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_micros;

import dev.convoy.errors.Causes;
import dev.convoy.events.DeadLetter;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;

/**
 * A coded job's decode stage: each Kinesis record's payload to a {@code T}, by the job's own code. A
 * payload its decoder throws on becomes a dead letter with that message, handed to the driver like
 * {@link DecodeEvents}'s: nothing is dropped, tasks never touch the warehouse.
 */
public final class DecodePayloads<T> implements MapPartitionsFunction<Row, T> {

  /** Bytes to a {@code T}; throws on a payload it cannot read. Runs on the executors, so it is serialized. */
  @FunctionalInterface
  public interface Decoder<T> extends Serializable {
    T decode(byte[] payload) throws Exception;
  }

  /** Positions of the columns {@link #apply} selects. */
  private static final int DATA = 0, STREAM = 1, PARTITION_KEY = 2, SEQUENCE_NUMBER = 3, ARRIVAL_MICROS = 4;

  private final String job;
  private final Decoder<T> decoder;
  private final CollectionAccumulator<DeadLetter> deadLetters;

  public DecodePayloads(String job, Decoder<T> decoder, CollectionAccumulator<DeadLetter> deadLetters) {
    this.job = job;
    this.decoder = decoder;
    this.deadLetters = deadLetters;
  }

  public Dataset<T> apply(Dataset<Row> kinesisRows, Encoder<T> encoder) {
    // Where a record came from is only read for a dead letter: as bytes and microseconds, Spark hands
    // it over without building three strings and a timestamp for every record (a tenth of the task's CPU).
    return kinesisRows.select(col("data"), col("streamName").cast("binary"), col("partitionKey").cast("binary"),
        col("sequenceNumber").cast("binary"), unix_micros(col("approximateArrivalTimestamp"))).mapPartitions(this, encoder);
  }

  @Override
  public Iterator<T> call(Iterator<Row> input) {
    return new Iterator<>() {
      private T next;

      @Override
      public boolean hasNext() {
        while (next == null && input.hasNext()) {
          Row r = input.next();
          byte[] data = (byte[]) r.get(DATA);
          String error;
          try {
            next = decoder.decode(data);
            error = next == null ? "the job's decoder returned nothing" : null;
          } catch (Exception e) {
            error = Causes.message(e);
          }
          if (error != null) {
            deadLetters.add(DeadLetter.of(job, text(r, STREAM), text(r, SEQUENCE_NUMBER), text(r, PARTITION_KEY),
                arrival(r.getLong(ARRIVAL_MICROS)), error, data));
          }
        }
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) throw new NoSuchElementException();
        T t = next;
        next = null;
        return t;
      }
    };
  }

  private static String text(Row r, int i) {
    return new String((byte[]) r.get(i), StandardCharsets.UTF_8);
  }

  /** A Kinesis arrival time in microseconds, as Spark keeps timestamps, to an instant. */
  static Instant arrival(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
