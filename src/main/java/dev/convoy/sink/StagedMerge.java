package dev.convoy.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.stream.Collectors;

/**
 * One table's part of a batch: rows checked against Redshift's value rules, de-duplicated by
 * Redshift's equality, staged in a session-local temp table with multi-row INSERTs of bound values,
 * then MERGEd into the table. Statements stay well under Redshift's 16 MB and 32,767 parameters.
 */
final class StagedMerge {

  /** Half of Redshift's 16 MB statement limit: room for the SQL text and the protocol's framing. */
  static final long MAX_STATEMENT_BYTES = 8L << 20;
  /** Rows per INSERT statement, also bounded by the 32,767 bind parameters a statement may carry. */
  private static final int MAX_ROWS_PER_INSERT = 1000;
  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

  private final TableSpec target;
  private final String stage;
  private final int rowsPerInsert;
  private final int[] keyIndexes;

  StagedMerge(TableSpec target, String stage) {
    this.target = target;
    this.stage = stage;
    this.rowsPerInsert = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, 32_000 / target.columns().size()));
    List<Column> columns = target.columns();
    this.keyIndexes = java.util.stream.IntStream.range(0, columns.size()).filter(i -> columns.get(i).key()).toArray();
  }

  TableSpec target() {
    return target;
  }

  /**
   * The rows to stage: each value checked (VARCHAR lengths in UTF-8 bytes, no null keys), key strings
   * without trailing spaces, and the last row of each key kept — MERGE refuses two source rows for one
   * target row, and Redshift calls {@code 'a'} and {@code 'a '} one key.
   */
  List<Object[]> validated(String job, List<Object[]> rows) {
    List<Column> columns = target.columns();
    Map<List<Object>, Object[]> byKey = new LinkedHashMap<>();
    for (Object[] given : rows) {
      if (given.length != columns.size()) {
        throw new ValueException("job " + job + ": table " + target.name() + ": a row has " + given.length + " values for "
            + columns.size() + " columns");
      }
      Object[] row = given.clone();
      for (int i = 0; i < row.length; i++) {
        Column col = columns.get(i);
        if (row[i] == null) {
          if (col.key()) throw new ValueException("job " + job + ": table " + target.name() + ": key column " + col.name() + " is null");
          continue;
        }
        if (col.type().kind() == ColumnType.Kind.VARCHAR) {
          String s = (String) row[i];
          if (col.key()) row[i] = s = Values.withoutTrailingSpaces(s);
          int bytes = Values.utf8Bytes(s);
          if (bytes > col.type().length()) {
            throw new ValueException("job " + job + ": table " + target.name() + " column " + col.name() + ": value "
                + Values.preview(s) + " is " + bytes + " bytes of UTF-8, but " + col.type().ddl()
                + " holds " + col.type().length() + " bytes on Redshift");
          }
        }
      }
      Object[] key = new Object[keyIndexes.length];
      for (int k = 0; k < keyIndexes.length; k++) key[k] = row[keyIndexes[k]];
      byKey.put(Arrays.asList(key), row);
    }
    return new ArrayList<>(byKey.values());
  }

  /** Creates the temp table and fills it; the rows must come from {@link #validated}. */
  void stage(Connection c, List<Object[]> rows) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE " + stage + " (LIKE " + target.name().sql() + ")");
    }
    PreparedStatement batched = null;
    int batchedRows = 0;
    try {
      for (int from = 0; from < rows.size(); ) {
        int count = chunk(rows, from);
        if (batched != null && count != batchedRows) {
          batched.executeBatch();
          batched.close();
          batched = null;
        }
        if (batched == null) {
          batched = c.prepareStatement(insertSql(count));
          batchedRows = count;
        }
        bindRows(batched, rows, from, count);
        batched.addBatch();
        from += count;
      }
      if (batched != null) batched.executeBatch();
    } finally {
      if (batched != null) batched.close();
    }
  }

  /** How many rows from {@code from} go into one INSERT: bounded by parameters and by bytes. */
  private int chunk(List<Object[]> rows, int from) {
    long bytes = 0;
    int count = 0;
    while (from + count < rows.size() && count < rowsPerInsert) {
      long row = rowBytes(rows.get(from + count));
      if (count > 0 && bytes + row > MAX_STATEMENT_BYTES) break;
      bytes += row;
      count++;
    }
    return count;
  }

  private static long rowBytes(Object[] row) {
    long bytes = 0;
    for (Object v : row) bytes += (v instanceof String s ? Values.utf8Bytes(s) : 8) + 4;
    return bytes;
  }

  /** MERGEs the staged rows into the table and drops the stage. */
  void merge(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(mergeSql());
      s.execute("DROP TABLE " + stage);
    }
  }

  /**
   * {@link #merge}, and how many of the {@code staged} rows updated a row that existed. The table's
   * row count before and after gives the inserts: on Redshift a COUNT(*) reads block metadata, far
   * cheaper than joining the batch to the table a second time.
   */
  int mergeCountingUpdates(Connection c, int staged) throws SQLException {
    long before;
    try (Statement s = c.createStatement()) {
      before = count(s);
    }
    merge(c);
    try (Statement s = c.createStatement()) {
      return (int) (staged - (count(s) - before));
    }
  }

  private long count(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + target.name().sql())) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String insertSql(int rowCount) {
    String columns = target.columns().stream().map(col -> col.name().value()).collect(Collectors.joining(", "));
    String one = "(" + String.join(", ", Collections.nCopies(target.columns().size(), "?")) + ")";
    return "INSERT INTO " + stage + " (" + columns + ") VALUES " + String.join(", ", Collections.nCopies(rowCount, one));
  }

  private void bindRows(PreparedStatement ps, List<Object[]> rows, int from, int count) throws SQLException {
    int p = 1;
    List<Column> columns = target.columns();
    for (int r = from; r < from + count; r++) {
      Object[] row = rows.get(r);
      for (int i = 0; i < columns.size(); i++) bind(ps, p++, columns.get(i), row[i]);
    }
  }

  private static void bind(PreparedStatement ps, int index, Column column, Object value) throws SQLException {
    if (value == null) {
      ps.setNull(index, column.type().sqlType());
      return;
    }
    switch (column.type().kind()) {
      case VARCHAR -> ps.setString(index, (String) value);
      case TIMESTAMP -> ps.setTimestamp(index, Timestamp.from((Instant) value), UTC);
      case BIGINT -> ps.setLong(index, ((Number) value).longValue());
      case DOUBLE -> ps.setDouble(index, ((Number) value).doubleValue());
      case BOOLEAN -> ps.setBoolean(index, (Boolean) value);
    }
  }

  private String matchCondition() {
    String t = target.name().sql();
    return target.keys().stream().map(k -> t + "." + k.name() + " = " + stage + "." + k.name()).collect(Collectors.joining(" AND "));
  }

  /** The MERGE from the staging table into the target. */
  String mergeSql() {
    String columns = target.columns().stream().map(col -> col.name().value()).collect(Collectors.joining(", "));
    String values = target.columns().stream().map(col -> stage + "." + col.name()).collect(Collectors.joining(", "));
    // Redshift requires both clauses; with only key columns, "update" rewrites a key with itself.
    List<Column> updatable = target.values().isEmpty() ? target.keys().subList(0, 1) : target.values();
    String sets = updatable.stream().map(col -> col.name() + " = " + stage + "." + col.name()).collect(Collectors.joining(", "));
    return "MERGE INTO " + target.name().sql() + " USING " + stage + " ON " + matchCondition()
        + " WHEN MATCHED THEN UPDATE SET " + sets
        + " WHEN NOT MATCHED THEN INSERT (" + columns + ") VALUES (" + values + ")";
  }

  /** A value breaks one of Redshift's rules; retrying cannot help, so the batch fails naming it. */
  static final class ValueException extends IllegalArgumentException {
    ValueException(String message) {
      super(message);
    }
  }
}
