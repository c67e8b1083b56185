package dev.convoy.sink;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Which warehouse is behind the connection: Redshift-only clauses are used only on Redshift. */
public enum Dialect {
  REDSHIFT,
  POSTGRESQL;

  public static Dialect of(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
      rs.next();
      return rs.getString(1).contains("Redshift") ? REDSHIFT : POSTGRESQL;
    }
  }
}
