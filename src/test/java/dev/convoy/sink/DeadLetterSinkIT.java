package dev.convoy.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoy.events.DeadLetter;
import dev.convoy.testing.LocalStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Dead letters are kept whole and written idempotently (by stream and sequence number). */
class DeadLetterSinkIT {

  private final LocalStack stack = LocalStack.fromEnvironment();

  @Test
  void deadLettersAreWrittenOnceAndKeptWholeEvenWhenLarge() throws Exception {
    String schema = "it_dl_" + Long.toHexString(System.nanoTime());
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    try {
      TableSpec spec = DeadLetterSink.spec(TableName.parse("test", schema + ".anything"));
      byte[] big = new byte[200_000]; // base64 ~267k chars: five parts
      new Random(1).nextBytes(big);
      DeadLetter small = DeadLetter.of("job-x", "stream-x", "4955001", "pk-1", Instant.parse("2026-11-24T10:00:00Z"), "truncated", new byte[] {1, 2});
      DeadLetter large = DeadLetter.of("job-x", "stream-x", "4955002", "pk-2", Instant.parse("2026-11-24T10:00:01Z"), "too big", big);
      try (DeadLetterSink sink = new DeadLetterSink(new UpsertSink(stack.warehouse(), "job-x", spec))) {
        sink.prepare();
        sink.write(1, List.of(small, large));
        // The same records again in a later batch (a replayed shard range): still one copy each.
        sink.write(2, List.of(small, large));
      }
      try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT sequence_number), COUNT(*) FROM " + spec.name().sql())) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(2);
          assertThat(rs.getInt(2)).isEqualTo(1 + 5);
        }
        StringBuilder payload = new StringBuilder();
        try (ResultSet rs = s.executeQuery("SELECT payload_base64, payload_parts, error FROM " + spec.name().sql()
            + " WHERE sequence_number = '4955002' ORDER BY payload_part")) {
          while (rs.next()) {
            payload.append(rs.getString(1));
            assertThat(rs.getLong(2)).isEqualTo(5);
            assertThat(rs.getString(3)).isEqualTo("too big");
          }
        }
        assertThat(java.util.Base64.getDecoder().decode(payload.toString())).isEqualTo(big);
      }
    } finally {
      try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }
}
