package dev.convoy.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.stream.Collectors;

/**
 * Upserts one job's micro-batches into its table, exactly once in effect. Per batch, one
 * transaction: skip if the ledger has (job, table, batch id); stage the de-duplicated rows in a temp
 * table with multi-row inserts of bound values; MERGE into the target; record the batch in the
 * ledger; commit. Rows carry absolute values, so even a MERGE that ran twice writes the same numbers.
 *
 * <p>One connection per sink, reused across batches and re-opened after a failure. Not thread-safe:
 * a job writes its batches one after another.
 */
public final class UpsertSink implements AutoCloseable {

  /** Points inside the transaction, for tests that cut the connection there. */
  public enum Step { STAGED, MERGED, LEDGERED }

  /** Called at each {@link Step}; tests use it to inject faults. */
  @FunctionalInterface
  public interface StepProbe {
    StepProbe NONE = (step, attempt, connection) -> {};

    void reached(Step step, int attempt, Connection connection) throws SQLException;
  }

  /** The outcome of one batch. */
  public record BatchResult(long batchId, boolean skipped, int rows, int inserted, int updated, int attempts) {}

  /** The batch could not be written; it names the job, table and batch. */
  public static final class SinkException extends RuntimeException {
    SinkException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
  /** Rows per INSERT statement, bounded by the 32,767 bind parameters a statement may carry. */
  private static final int MAX_ROWS_PER_INSERT = 1000;
  private static final String STAGE = "convoy_stage";

  private final Warehouse warehouse;
  private final String job;
  private final TableSpec target;
  private final TableSpec ledger;
  private final RetryPolicy retry;
  private final Clock clock;
  private final StepProbe probe;
  private final SinkMetrics metrics = new SinkMetrics();
  private final int rowsPerInsert;
  private Connection connection;
  private Dialect dialect;

  public UpsertSink(Warehouse warehouse, String job, TableSpec target, RetryPolicy retry, Clock clock, StepProbe probe) {
    this.warehouse = warehouse;
    this.job = job;
    this.target = target;
    this.ledger = Tables.ledger(target.name());
    this.retry = retry;
    this.clock = clock;
    this.probe = probe;
    this.rowsPerInsert = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, 32_000 / target.columns().size()));
  }

  public UpsertSink(Warehouse warehouse, String job, TableSpec target) {
    this(warehouse, job, target, RetryPolicy.DEFAULT, Clock.systemUTC(), StepProbe.NONE);
  }

  /**
   * Creates the target and ledger tables if missing and checks the target's columns. Call at start-up:
   * a mismatch fails here, naming the column, before anything is written.
   */
  public void prepare() {
    runWithRetry("prepare tables", attempt -> {
      Connection c = connection();
      c.setAutoCommit(true);
      Tables.ensure(c, ledger, dialect);
      Tables.ensure(c, target, dialect);
      return null;
    });
  }

  /** Writes one batch; a batch id already in the ledger is skipped. */
  public BatchResult upsert(long batchId, List<Object[]> rows) {
    List<Object[]> unique = deduplicate(rows);
    long start = System.nanoTime();
    BatchResult result = runWithRetry("batch " + batchId, attempt -> write(batchId, unique, attempt));
    if (result.skipped()) metrics.skipped();
    else metrics.committed(result.rows(), result.inserted(), (System.nanoTime() - start) / 1_000_000);
    return result;
  }

  public SinkMetrics metrics() {
    return metrics;
  }

  public TableSpec target() {
    return target;
  }

  private BatchResult write(long batchId, List<Object[]> rows, int attempt) throws SQLException {
    Connection c = connection();
    c.setAutoCommit(false);
    try {
      if (alreadyCommitted(c, batchId)) {
        c.rollback();
        return new BatchResult(batchId, true, 0, 0, 0, attempt);
      }
      int updated = 0;
      if (!rows.isEmpty()) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TEMP TABLE " + STAGE + " (LIKE " + target.name().sql() + ")");
        }
        stage(c, rows);
        probe.reached(Step.STAGED, attempt, c);
        updated = countMatched(c);
        try (Statement s = c.createStatement()) {
          s.execute(mergeSql());
          s.execute("DROP TABLE " + STAGE);
        }
        probe.reached(Step.MERGED, attempt, c);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ledger.name().sql()
          + " (job, target_table, batch_id, row_count, committed_at) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, job);
        ps.setString(2, target.name().sql());
        ps.setLong(3, batchId);
        ps.setLong(4, rows.size());
        ps.setTimestamp(5, Timestamp.from(clock.instant()), UTC);
        ps.executeUpdate();
      }
      probe.reached(Step.LEDGERED, attempt, c);
      c.commit();
      return new BatchResult(batchId, false, rows.size(), rows.size() - updated, updated, attempt);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    }
  }

  private boolean alreadyCommitted(Connection c, long batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + ledger.name().sql()
        + " WHERE job = ? AND target_table = ? AND batch_id = ?")) {
      ps.setString(1, job);
      ps.setString(2, target.name().sql());
      ps.setLong(3, batchId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void stage(Connection c, List<Object[]> rows) throws SQLException {
    int full = rows.size() / rowsPerInsert;
    if (full > 0) {
      try (PreparedStatement ps = c.prepareStatement(insertSql(rowsPerInsert))) {
        for (int chunk = 0; chunk < full; chunk++) {
          bindRows(ps, rows, chunk * rowsPerInsert, rowsPerInsert);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    int rest = rows.size() % rowsPerInsert;
    if (rest > 0) {
      try (PreparedStatement ps = c.prepareStatement(insertSql(rest))) {
        bindRows(ps, rows, full * rowsPerInsert, rest);
        ps.executeUpdate();
      }
    }
  }

  private String insertSql(int rowCount) {
    String columns = target.columns().stream().map(col -> col.name().value()).collect(Collectors.joining(", "));
    String one = "(" + String.join(", ", java.util.Collections.nCopies(target.columns().size(), "?")) + ")";
    return "INSERT INTO " + STAGE + " (" + columns + ") VALUES " + String.join(", ", java.util.Collections.nCopies(rowCount, one));
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

  private int countMatched(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + STAGE + " JOIN " + target.name().sql() + " ON " + matchCondition())) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private String matchCondition() {
    String t = target.name().sql();
    return target.keys().stream().map(k -> t + "." + k.name() + " = " + STAGE + "." + k.name()).collect(Collectors.joining(" AND "));
  }

  /** The MERGE from the staging table into the target that each batch runs. */
  public String mergeSql() {
    String columns = target.columns().stream().map(col -> col.name().value()).collect(Collectors.joining(", "));
    String values = target.columns().stream().map(col -> STAGE + "." + col.name()).collect(Collectors.joining(", "));
    // Redshift requires both clauses; with only key columns, "update" rewrites a key with itself.
    List<Column> updatable = target.values().isEmpty() ? target.keys().subList(0, 1) : target.values();
    String sets = updatable.stream().map(col -> col.name() + " = " + STAGE + "." + col.name()).collect(Collectors.joining(", "));
    return "MERGE INTO " + target.name().sql() + " USING " + STAGE + " ON " + matchCondition()
        + " WHEN MATCHED THEN UPDATE SET " + sets
        + " WHEN NOT MATCHED THEN INSERT (" + columns + ") VALUES (" + values + ")";
  }

  /** The last row of each key wins: MERGE refuses a source with two rows for one target row. */
  private List<Object[]> deduplicate(List<Object[]> rows) {
    List<Column> columns = target.columns();
    int[] keyIndexes = new int[target.keys().size()];
    for (int i = 0, k = 0; i < columns.size(); i++) if (columns.get(i).key()) keyIndexes[k++] = i;
    Map<List<Object>, Object[]> byKey = new LinkedHashMap<>();
    for (Object[] row : rows) {
      if (row.length != columns.size()) {
        throw new IllegalArgumentException(target.name() + ": a row has " + row.length + " values for " + columns.size() + " columns");
      }
      Object[] key = new Object[keyIndexes.length];
      for (int k = 0; k < keyIndexes.length; k++) {
        key[k] = row[keyIndexes[k]];
        if (key[k] == null) throw new IllegalArgumentException(target.name() + ": key column " + columns.get(keyIndexes[k]).name() + " is null");
      }
      byKey.put(Arrays.asList(key), row);
    }
    return new ArrayList<>(byKey.values());
  }

  @FunctionalInterface
  private interface Attempt<T> {
    T run(int attempt) throws SQLException;
  }

  private <T> T runWithRetry(String what, Attempt<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return work.run(attempt);
      } catch (SQLException | RuntimeException e) {
        if (e instanceof Tables.SchemaMismatchException) throw (RuntimeException) e;
        boolean transientError = RetryPolicy.isTransient(e);
        if (transientError) dropConnection();
        if (!transientError || attempt >= retry.maxAttempts()) {
          throw new SinkException("job " + job + ": writing " + what + " to " + target.name() + " failed"
              + (transientError ? " after " + attempt + " attempts" : "") + ": " + e.getMessage(), e);
        }
        metrics.retried();
        try {
          Thread.sleep(retry.backoff(attempt).toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new SinkException("job " + job + ": interrupted while retrying " + what, ie);
        }
      }
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = warehouse.connect();
      dialect = Dialect.of(connection);
    }
    return connection;
  }

  private void dropConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the connection is already broken; a new one is opened on the next attempt
      }
      connection = null;
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // a broken connection has no transaction left to roll back
    }
  }

  @Override
  public void close() {
    dropConnection();
  }
}
