package dev.convoy.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoy.sink.Failure;
import dev.convoy.testing.LocalStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Redshift stand-in (PostgreSQL 15 behind PgBouncer) accepts the real {@code redshift-jdbc42}
 * driver, runs the staging-table + MERGE upsert the sink relies on, and enforces SERIALIZABLE isolation
 * as Redshift's older clusters do, so a design that shares a table between jobs fails here too.
 */
class RedshiftStandInIT {

  private final LocalStack stack = LocalStack.fromEnvironment();

  @Test
  void redshiftDriverConnectsThroughPgBouncer() throws Exception {
    assertThat(stack.redshiftUrl()).startsWith("jdbc:redshift://");
    try (Connection c = stack.redshift()) {
      assertThat(c.getMetaData().getDriverName()).containsIgnoringCase("redshift");
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_user")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("convoy");
      }
    }
  }

  @Test
  void theStandInAbortsTwoTransactionsThatReadThenWriteOneSharedTableAsRedshiftDoes() throws Exception {
    String ledger = "it_shared_" + Long.toHexString(System.nanoTime());
    try (Connection a = stack.redshift(); Connection b = stack.redshift(); Statement admin = a.createStatement()) {
      admin.execute("CREATE TABLE " + ledger + " (job VARCHAR(64) NOT NULL, batch_id BIGINT NOT NULL)");
      try {
        try (Statement s = a.createStatement(); ResultSet rs = s.executeQuery("SHOW default_transaction_isolation")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("serializable");
        }
        a.setAutoCommit(false);
        b.setAutoCommit(false);
        // The old sink's pattern, two jobs at once: look the batch up in the shared ledger, then record it.
        exists(a, ledger, "job-a");
        exists(b, ledger, "job-b");
        record(a, ledger, "job-a");
        record(b, ledger, "job-b");
        a.commit();
        assertThatThrownBy(b::commit).isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(Failure.of(e)).isEqualTo(Failure.CONFLICT))
            .hasMessageContaining("could not serialize access");
      } finally {
        b.rollback();
        a.setAutoCommit(true);
        admin.execute("DROP TABLE " + ledger);
      }
    }
  }

  private static boolean exists(Connection c, String ledger, String job) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + ledger + " WHERE job = ? AND batch_id = 1")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void record(Connection c, String ledger, String job) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ledger + " VALUES (?, 1)")) {
      ps.setString(1, job);
      ps.executeUpdate();
    }
  }

  @Test
  void mergeFromATempStagingTableInsertsAndUpdates() throws Exception {
    String table = "it_merge_" + Long.toHexString(System.nanoTime());
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (bucket VARCHAR(64) NOT NULL, events BIGINT NOT NULL)");
      try {
        c.setAutoCommit(false);
        upsert(c, table, Map.of("a", 1L, "b", 2L));
        c.commit();
        upsert(c, table, Map.of("b", 5L, "c", 3L));
        c.commit();
        c.setAutoCommit(true);

        Map<String, Long> rows = new LinkedHashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT bucket, events FROM " + table + " ORDER BY bucket")) {
          while (rs.next()) rows.put(rs.getString(1), rs.getLong(2));
        }
        assertThat(rows).containsExactly(Map.entry("a", 1L), Map.entry("b", 5L), Map.entry("c", 3L));
      } finally {
        c.setAutoCommit(true);
        s.execute("DROP TABLE " + table);
      }
    }
  }

  private static void upsert(Connection c, String table, Map<String, Long> rows) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE staging (LIKE " + table + ")");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO staging VALUES (?, ?)")) {
        for (var row : rows.entrySet()) {
          insert.setString(1, row.getKey());
          insert.setLong(2, row.getValue());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      s.execute("MERGE INTO " + table + " USING staging ON " + table + ".bucket = staging.bucket "
          + "WHEN MATCHED THEN UPDATE SET events = staging.events "
          + "WHEN NOT MATCHED THEN INSERT VALUES (staging.bucket, staging.events)");
      s.execute("DROP TABLE staging");
    }
  }
}
