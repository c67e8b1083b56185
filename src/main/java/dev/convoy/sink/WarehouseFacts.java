package dev.convoy.sink;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the driver reads from the warehouse at start-up and logs: which warehouse it is and the
 * isolation level its transactions run at. Redshift clusters created before May 2024 run SERIALIZABLE,
 * newer ones and Serverless SNAPSHOT; Convoy needs neither to be anything in particular, since no two
 * jobs' transactions share a table, but on-call should know which one is in force.
 */
public record WarehouseFacts(Dialect dialect, String version, String isolation) {

  public static WarehouseFacts read(Warehouse warehouse) throws SQLException {
    try (Connection c = warehouse.connect()) {
      Dialect dialect = Dialect.of(c);
      String version = single(c, "SELECT version()");
      String isolation = dialect == Dialect.REDSHIFT
          ? single(c, "SELECT isolation_level FROM stv_db_isolation_level WHERE db_name = current_database()")
          : single(c, "SELECT current_setting('default_transaction_isolation')");
      return new WarehouseFacts(dialect, version, isolation == null ? "unknown" : isolation.strip().toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Override
  public String toString() {
    String v = version.length() > 60 ? version.substring(0, 60) + "..." : version;
    return dialect.name().toLowerCase(java.util.Locale.ROOT) + " (" + v + "), isolation " + isolation;
  }
}
