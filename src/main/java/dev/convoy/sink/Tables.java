package dev.convoy.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.stream.Collectors;

/**
 * Creates Convoy's tables when they are missing, and refuses, before anything is written, a table
 * whose columns are not the ones the job writes. DDL uses only types Redshift and PostgreSQL share.
 *
 * <p>Each target table has its own ledger and dead-letter table beside it ({@code <table>_convoy_batches},
 * {@code <table>_convoy_dead_letters}): a job's batch transaction touches no table another job writes,
 * which is what Redshift's SERIALIZABLE isolation needs to never abort one of them (error 1023).
 */
public final class Tables {

  /** The ledger every job shared before each table got its own; read once, at start-up, to migrate. */
  public static final String LEGACY_LEDGER = "convoy_batches";
  static final String LEDGER_SUFFIX = "_convoy_batches";
  static final String DEAD_LETTERS_SUFFIX = "_convoy_dead_letters";
  /** The longest target name that leaves room for its companions within Redshift's 127-byte identifiers. */
  public static final int MAX_TARGET_NAME = 127 - DEAD_LETTERS_SUFFIX.length();

  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

  private Tables() {}

  /** The target's ledger: one row per committed batch id, sorted by batch id (the lookup and the prune). */
  public static TableSpec ledger(TableName target) {
    Identifier batchId = new Identifier("batch_id");
    return new TableSpec(companion(target, LEDGER_SUFFIX), List.of(
        Column.key("batch_id", ColumnType.BIGINT),
        Column.value("job", ColumnType.varchar(128)),
        Column.value("row_count", ColumnType.BIGINT),
        Column.value("dead_letters", ColumnType.BIGINT),
        Column.value("committed_at", ColumnType.TIMESTAMP)), Optional.empty(), List.of(batchId));
  }

  /** The target's dead-letter table, keyed by where each record came from (so a replay rewrites the same rows). */
  public static TableSpec deadLetters(TableName target) {
    return DeadLetters.spec(companion(target, DEAD_LETTERS_SUFFIX));
  }

  private static TableName companion(TableName target, String suffix) {
    String name = target.table().value();
    if (name.length() > MAX_TARGET_NAME) {
      throw new IllegalArgumentException("table " + target + ": the name is " + name.length() + " characters; at most "
          + MAX_TARGET_NAME + ", so that " + name + suffix + " fits Redshift's 127-byte names");
    }
    return target.sibling(name + suffix);
  }

  /** Creates the table if missing, then checks that its columns are exactly the spec's. @return whether it was created */
  public static boolean ensure(Connection c, TableSpec spec, Dialect dialect) throws SQLException {
    boolean created = false;
    if (columnsOf(c, spec.name()).isEmpty()) {
      try (Statement s = c.createStatement()) {
        s.execute(createSql(spec, dialect));
        created = true;
      } catch (SQLException e) {
        // Someone may have created it at the same moment; only a still-missing table is an error.
        if (columnsOf(c, spec.name()).isEmpty()) throw e;
      }
    }
    verify(spec, columnsOf(c, spec.name()));
    return created;
  }

  static String createSql(TableSpec spec, Dialect dialect) {
    String columns = spec.columns().stream()
        .map(col -> col.name() + " " + col.type().ddl() + (col.key() ? " NOT NULL" : "") + byteCheck(col, dialect))
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

  /** On the stand-in, VARCHAR(n) counts characters; a CHECK makes it count bytes, as Redshift does. */
  private static String byteCheck(Column col, Dialect dialect) {
    if (dialect != Dialect.POSTGRESQL || col.type().kind() != ColumnType.Kind.VARCHAR) return "";
    return " CHECK (octet_length(" + col.name() + ") <= " + col.type().length() + ")";
  }

  /**
   * Copies this target's rows of the shared ledger of earlier versions into its own, new ledger, so a
   * batch committed before the upgrade is still skipped when Spark replays it. Runs at start-up, in its
   * own transaction, never inside a batch's.
   * @return the number of ledger rows copied
   */
  static int migrateLegacyLedger(Connection c, TableSpec ledger, TableName target) throws SQLException {
    TableName legacy = target.sibling(LEGACY_LEDGER);
    Map<String, String> columns = columnsOf(c, legacy);
    if (!columns.keySet().containsAll(List.of("job", "target_table", "batch_id", "row_count", "committed_at"))) return 0;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ledger.name().sql()
        + " (batch_id, job, row_count, dead_letters, committed_at) SELECT batch_id, MAX(job), MAX(row_count), 0, MAX(committed_at) FROM "
        + legacy.sql() + " WHERE target_table = ? AND NOT EXISTS (SELECT 1 FROM " + ledger.name().sql() + ") GROUP BY batch_id")) {
      ps.setString(1, target.sql());
      return ps.executeUpdate();
    }
  }

  /** Deletes ledger rows committed before {@code before}, always keeping the newest (the one a replay needs). */
  static int prune(Connection c, TableSpec ledger, Instant before) throws SQLException {
    String t = ledger.name().sql();
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE committed_at < ? AND batch_id < (SELECT MAX(batch_id) FROM " + t + ")")) {
      ps.setTimestamp(1, Timestamp.from(before), UTC);
      return ps.executeUpdate();
    }
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
      if (spec.columns().stream().noneMatch(col -> col.name().value().equals(name))) {
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
