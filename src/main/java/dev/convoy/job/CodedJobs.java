package dev.convoy.job;

import static org.apache.spark.sql.functions.col;

import dev.convoy.sink.Column;
import dev.convoy.sink.Identifier;
import dev.convoy.sink.TableName;
import dev.convoy.sink.TableSpec;
import dev.convoy.transform.DecodePayloads;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A {@link CodedJob} made into a {@link Job}: its decode with dead letters, its transform, the sink's column order. */
public final class CodedJobs {

  private CodedJobs() {}

  /** The job's table: its declared columns, sorted by the first key (the MERGE and on-call's queries look keys up). */
  public static TableSpec table(CodedJob<?, ?> coded, TableName name) {
    List<Column> columns = coded.columns();
    Identifier firstKey = columns.stream().filter(Column::key).findFirst().map(Column::name)
        .orElseThrow(() -> new IllegalArgumentException(coded.getClass().getName() + ".columns() declares no key column"));
    return new TableSpec(name, columns, Optional.empty(), List.of(firstKey));
  }

  public static <T, U> Job assemble(String name, Job.Settings settings, Job.Source source, CodedJob<T, U> coded, JobCounters counters,
                                    Job.Sink sink) {
    DecodePayloads<T> decode = new DecodePayloads<>(name, coded::decode, counters.deadLetters());
    org.apache.spark.sql.Column[] inTableOrder = coded.columns().stream().map(c -> col(c.name().value()))
        .toArray(org.apache.spark.sql.Column[]::new);
    return new Job(name, settings, source,
        records -> decode.apply(records, coded.events()).toDF(),
        (Dataset<Row> events) -> coded.transform(events.as(coded.events())).toDF().select(inTableOrder),
        sink);
  }
}
