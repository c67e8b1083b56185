package dev.convoy.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Creates Convoy's tables when they are missing, and refuses, before anything is written, a table
 * whose columns are not the ones the job writes. DDL uses only types Redshift and PostgreSQL share.
 */
public final class Tables {

  /** The batch ledger: one row per committed (job, target table, batch id). */
  public static final String LEDGER = "convoy_batches";

  private Tables() {}

  public static TableSpec ledger(TableName target) {
    return new TableSpec(target.sibling(LEDGER), List.of(
        Column.key("job", ColumnType.varchar(128)),
        Column.key("target_table", ColumnType.varchar(256)),
        Column.key("batch_id", ColumnType.BIGINT),
        Column.value("row_count", ColumnType.BIGINT),
        Column.value("committed_at", ColumnType.TIMESTAMP)));
  }

  /** Creates the table if missing, then checks that its columns are exactly the spec's. */
  public static void ensure(Connection c, TableSpec spec, Dialect dialect) throws SQLException {
    if (columnsOf(c, spec.name()).isEmpty()) {
      try (Statement s = c.createStatement()) {
        s.execute(createSql(spec, dialect));
      } catch (SQLException e) {
        // Another job may have created it at the same moment; only a still-missing table is an error.
        if (columnsOf(c, spec.name()).isEmpty()) throw e;
      }
    }
    verify(spec, columnsOf(c, spec.name()));
  }

  static String createSql(TableSpec spec, Dialect dialect) {
    String columns = spec.columns().stream()
        .map(col -> col.name() + " " + col.type().ddl() + (col.key() ? " NOT NULL" : ""))
        .collect(Collectors.joining(", "));
    String keys = spec.keys().stream().map(k -> k.name().value()).collect(Collectors.joining(", "));
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(spec.name().sql())
        .append(" (").append(columns).append(", PRIMARY KEY (").append(keys).append("))");
    if (dialect == Dialect.REDSHIFT) {
      spec.distKey().ifPresent(d -> sql.append(" DISTKEY(").append(d).append(')'));
      if (!spec.sortKeys().isEmpty()) {
        sql.append(" SORTKEY(").append(spec.sortKeys().stream().map(Identifier::value).collect(Collectors.joining(", "))).append(')');
      }
    }
    return sql.toString();
  }

  /** column name → information_schema data_type, in ordinal order; empty if the table does not exist. */
  static Map<String, String> columnsOf(Connection c, TableName table) throws SQLException {
    String sql = "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = "
        + (table.schema().isPresent() ? "?" : "current_schema()") + " ORDER BY ordinal_position";
    Map<String, String> columns = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table.table().value());
      if (table.schema().isPresent()) ps.setString(2, table.schema().get().value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) columns.put(rs.getString(1), rs.getString(2));
      }
    }
    return columns;
  }

  static void verify(TableSpec spec, Map<String, String> actual) {
    for (Column col : spec.columns()) {
      String type = actual.get(col.name().value());
      if (type == null) {
        throw new SchemaMismatchException("table " + spec.name() + " has no column " + col.name() + " (" + col.type().ddl()
            + "), which the job writes; add it, or point the job at another table");
      }
      if (!col.type().matchesCatalog(type)) {
        throw new SchemaMismatchException("table " + spec.name() + ": column " + col.name() + " is " + type + ", but the job writes "
            + col.type().ddl());
      }
    }
    for (String name : actual.keySet()) {
      if (spec.indexOf(new Identifier(name)) < 0) {
        throw new SchemaMismatchException("table " + spec.name() + " has a column " + name + " that the job does not write; "
            + "drop it, or point the job at another table");
      }
    }
  }

  /** The target table does not have the job's columns; raised at start-up, before any write. */
  public static final class SchemaMismatchException extends RuntimeException {
    SchemaMismatchException(String message) {
      super(message);
    }
  }
}
