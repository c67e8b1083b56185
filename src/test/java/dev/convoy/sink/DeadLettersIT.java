package dev.convoy.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoy.events.DeadLetter;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.RecordingWarehouse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dead letters commit with their batch, into the job's own table, kept whole and written once. */
class DeadLettersIT {

  private static final Instant H0 = Instant.parse("2026-11-24T10:00:00Z");
  private final LocalStack stack = LocalStack.fromEnvironment();
  private String schema;
  private TableSpec spec;

  @BeforeEach
  void schema() throws Exception {
    schema = stack.createSchema("it_dl_");
    spec = new TableSpec(TableName.parse("test", schema + ".clicks"), List.of(Column.key("bucket_start", ColumnType.TIMESTAMP),
        Column.key("email_id", ColumnType.varchar(64)), Column.value("events", ColumnType.BIGINT)));
  }

  @AfterEach
  void drop() throws Exception {
    stack.dropSchema(schema);
  }

  @Test
  void deadLettersCommitOnceWithTheirBatchAndAreKeptWhole() throws Exception {
    byte[] big = new byte[200_000]; // base64 ~267k characters: five parts
    new Random(1).nextBytes(big);
    DeadLetter small = letter("4955001", new byte[] {1, 2});
    DeadLetter large = letter("4955002", big);
    try (UpsertSink sink = new UpsertSink(stack.warehouse(), "job-x", spec)) {
      sink.prepare();
      // A retried task hands its dead letters over twice: still one each.
      var first = sink.upsert(1, List.<Object[]>of(new Object[] {H0, "e1", 3L}), List.of(small, large, small));
      assertThat(first.deadLetters()).isEqualTo(2);
      // The same batch replayed: skipped whole, dead letters included.
      assertThat(sink.upsert(1, List.of(), List.of(small, large)).skipped()).isTrue();
      // The same records in a later batch (a replayed shard range): still one copy each.
      sink.upsert(2, List.of(), List.of(small, large));
    }
    TableName table = Tables.deadLetters(spec.name()).name();
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT sequence_number), COUNT(*) FROM " + table.sql())) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
        assertThat(rs.getInt(2)).isEqualTo(1 + 5);
      }
      StringBuilder payload = new StringBuilder();
      try (ResultSet rs = s.executeQuery("SELECT payload_base64, payload_parts, error FROM " + table.sql()
          + " WHERE sequence_number = '4955002' ORDER BY payload_part")) {
        while (rs.next()) {
          payload.append(rs.getString(1));
          assertThat(rs.getLong(2)).isEqualTo(5);
          assertThat(rs.getString(3)).isEqualTo("not an event");
        }
      }
      assertThat(Base64.getDecoder().decode(payload.toString())).isEqualTo(big);
      try (ResultSet rs = s.executeQuery("SELECT batch_id, dead_letters FROM " + Tables.ledger(spec.name()).name().sql() + " ORDER BY batch_id")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(2)).isEqualTo(2);
      }
    }
  }

  @Test
  void aBatchOfNothingButOneMegabytePoisonCommitsInStatementsUnderRedshiftsLimit() throws Exception {
    Random random = new Random(7);
    List<DeadLetter> flood = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] payload = new byte[i % 4 == 0 ? 1 << 20 : 1_000]; // every fourth record is 1 MiB
      random.nextBytes(payload);
      flood.add(letter(Integer.toString(5_000_000 + i), payload));
    }
    RecordingWarehouse recording = new RecordingWarehouse(stack.warehouse());
    try (UpsertSink sink = new UpsertSink(recording, "job-flood", spec, UpsertSink.Settings.DEFAULT, Clock.systemUTC(), UpsertSink.StepProbe.NONE)) {
      sink.prepare();
      var result = sink.upsert(1, List.of(), flood);
      assertThat(result.skipped()).isFalse();
      assertThat(result.deadLetters()).isEqualTo(40);
    }
    long largest = recording.executed().stream().mapToLong(RecordingWarehouse.Executed::bytes).max().orElseThrow();
    assertThat(largest).as("bytes of the largest statement").isLessThan(16L << 20).isGreaterThan(1L << 20);
    try (Connection c = stack.redshift(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT sequence_number), SUM(LENGTH(payload_base64)) FROM "
             + Tables.deadLetters(spec.name()).name().sql())) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(40);
      assertThat(rs.getLong(2)).isEqualTo(flood.stream().mapToLong(d -> d.payloadBase64().length()).sum());
    }
  }

  private static DeadLetter letter(String sequence, byte[] payload) {
    return DeadLetter.of("job-x", "stream-x", sequence, "pk-" + sequence, H0.plus(Duration.ofSeconds(1)), "not an event", payload);
  }
}
