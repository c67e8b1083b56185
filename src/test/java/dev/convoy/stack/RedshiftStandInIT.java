package dev.convoy.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoy.testing.LocalStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Redshift stand-in (PostgreSQL 15 behind PgBouncer) accepts the real {@code redshift-jdbc42}
 * driver and runs the staging-table + MERGE upsert the sink relies on.
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
