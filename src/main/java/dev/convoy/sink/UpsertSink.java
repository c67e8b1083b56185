package dev.convoy.sink;

import dev.convoy.events.DeadLetter;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upserts one job's micro-batches into its table, exactly once in effect. Per batch, one transaction
 * on the job's own connection: skip if the table's ledger has the batch id; stage and MERGE the rows;
 * stage and MERGE the batch's dead letters into the table's dead-letter table; record the batch in the
 * ledger; commit. Every table it touches belongs to this target alone, so concurrent jobs never
 * conflict under Redshift's SERIALIZABLE isolation. Rows carry absolute values, so even a MERGE that
 * ran twice writes the same numbers.
 *
 * <p>A warehouse that is away (refusing connections, restarting, out of connections) makes the batch
 * wait and retry, up to the policy's outage limit, visible through {@link #waiting()}; it never fails
 * the query. Not thread-safe: a job writes its batches one after another.
 */
public final class UpsertSink implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UpsertSink.class);

  /** Points inside the transaction, for tests that cut the connection there. */
  public enum Step { STAGED, MERGED, LEDGERED }

  /** Called at each {@link Step}; tests use it to inject faults. */
  @FunctionalInterface
  public interface StepProbe {
    StepProbe NONE = (step, attempt, connection) -> {};

    void reached(Step step, int attempt, Connection connection) throws SQLException;
  }

  /** The outcome of one batch. */
  public record BatchResult(long batchId, boolean skipped, int rows, int inserted, int updated, int deadLetters, int attempts) {}

  /** What a batch is waiting for (the warehouse being away), and since when. */
  public record Waiting(String reason, Instant since) {}

  /** How the sink retries, and how long its ledger keeps committed batch ids. */
  public record Settings(RetryPolicy retry, Duration ledgerRetention) {
    public static final Settings DEFAULT = new Settings(RetryPolicy.DEFAULT, Duration.ofDays(7));
  }

  /** The batch could not be written; it names the job, table and batch. */
  public static final class SinkException extends RuntimeException {
    SinkException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
  /** Pruning the ledger once every this many batches keeps its lookups cheap without a DELETE per batch. */
  private static final int PRUNE_EVERY = 500;
  /** At start-up, a warehouse that stays away this long fails the start, with the cause named. */
  private static final Duration PREPARE_OUTAGE_LIMIT = Duration.ofMinutes(2);
  private static final Duration STILL_WAITING_LOG = Duration.ofMinutes(1);

  private final Warehouse warehouse;
  private final String job;
  private final StagedMerge target;
  private final StagedMerge deadLetters;
  private final TableSpec ledger;
  private final Settings settings;
  private final Clock clock;
  private final StepProbe probe;
  private final SinkMetrics metrics = new SinkMetrics();
  private volatile Waiting waiting;
  private int batchesSincePrune;
  private Connection connection;

  public UpsertSink(Warehouse warehouse, String job, TableSpec target, Settings settings, Clock clock, StepProbe probe) {
    this.warehouse = warehouse;
    this.job = job;
    this.target = new StagedMerge(target, "convoy_stage");
    this.deadLetters = new StagedMerge(Tables.deadLetters(target.name()), "convoy_stage_dead");
    this.ledger = Tables.ledger(target.name());
    this.settings = settings;
    this.clock = clock;
    this.probe = probe;
  }

  public UpsertSink(Warehouse warehouse, String job, TableSpec target, RetryPolicy retry, Clock clock, StepProbe probe) {
    this(warehouse, job, target, new Settings(retry, Settings.DEFAULT.ledgerRetention()), clock, probe);
  }

  public UpsertSink(Warehouse warehouse, String job, TableSpec target) {
    this(warehouse, job, target, Settings.DEFAULT, Clock.systemUTC(), StepProbe.NONE);
  }

  /**
   * Creates the target, its ledger and its dead-letter table if missing and checks their columns; an
   * empty ledger beside an existing target takes over this table's rows of the shared ledger of earlier
   * versions. Call at start-up:
   * a mismatch fails here, naming the column, before anything is written.
   */
  public void prepare() {
    RetryPolicy retry = settings.retry();
    Duration limit = retry.outageLimit().compareTo(PREPARE_OUTAGE_LIMIT) < 0 ? retry.outageLimit() : PREPARE_OUTAGE_LIMIT;
    runWithRetry("prepare tables", retry.withOutageLimit(limit), attempt -> {
      Connection c = connection();
      c.setAutoCommit(true);
      Dialect dialect = Dialect.of(c);
      boolean newTarget = Tables.ensure(c, target.target(), dialect);
      Tables.ensure(c, deadLetters.target(), dialect);
      Tables.ensure(c, ledger, dialect);
      // Old ledger rows speak for rows in the target; a target created just now holds none, and its
      // job (a fresh checkpoint) must not skip batch ids that an earlier life of the table committed.
      int migrated = newTarget ? 0 : Tables.migrateLegacyLedger(c, ledger, target.target().name());
      if (migrated > 0) {
        LOG.info("job {}: copied {} committed batch ids of {} from the shared ledger {} into {}", job, migrated,
            target.target().name(), Tables.LEGACY_LEDGER, ledger.name());
      }
      Tables.prune(c, ledger, clock.instant().minus(settings.ledgerRetention()));
      return null;
    });
  }

  /** Writes one batch of rows; a batch id already in the ledger is skipped. */
  public BatchResult upsert(long batchId, List<Object[]> rows) {
    return upsert(batchId, rows, List.of());
  }

  /** Writes one batch of rows and the dead letters of the same batch, in one transaction. */
  public BatchResult upsert(long batchId, List<Object[]> rows, List<DeadLetter> letters) {
    List<Object[]> unique = target.validated(job, rows);
    // A retried task hands its dead letters over again: one per record.
    Map<List<String>, DeadLetter> distinct = new LinkedHashMap<>();
    for (DeadLetter d : letters) distinct.put(List.of(d.stream(), d.sequenceNumber()), d);
    List<Object[]> dead = deadLetters.validated(job, DeadLetters.rows(batchId, List.copyOf(distinct.values())));
    long start = System.nanoTime();
    BatchResult result = runWithRetry("batch " + batchId, settings.retry(),
        attempt -> write(batchId, unique, dead, distinct.size(), attempt));
    if (result.skipped()) metrics.skipped();
    else metrics.committed(result.rows(), result.inserted(), (System.nanoTime() - start) / 1_000_000);
    return result;
  }

  public SinkMetrics metrics() {
    return metrics;
  }

  public TableSpec target() {
    return target.target();
  }

  /** What the current batch is waiting for, if the warehouse is away. */
  public Optional<Waiting> waiting() {
    return Optional.ofNullable(waiting);
  }

  /** The MERGE from the staging table into the target that each batch runs. */
  public String mergeSql() {
    return target.mergeSql();
  }

  private BatchResult write(long batchId, List<Object[]> rows, List<Object[]> dead, int letters, int attempt) throws SQLException {
    Connection c = connection();
    c.setAutoCommit(false);
    try {
      if (alreadyCommitted(c, batchId)) {
        c.rollback();
        return new BatchResult(batchId, true, 0, 0, 0, 0, attempt);
      }
      int updated = 0;
      if (!rows.isEmpty()) {
        target.stage(c, rows);
        probe.reached(Step.STAGED, attempt, c);
        updated = target.mergeCountingUpdates(c, rows.size());
      }
      if (!dead.isEmpty()) {
        deadLetters.stage(c, dead);
        deadLetters.merge(c);
      }
      if (!rows.isEmpty() || !dead.isEmpty()) probe.reached(Step.MERGED, attempt, c);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ledger.name().sql()
          + " (batch_id, job, row_count, dead_letters, committed_at) VALUES (?, ?, ?, ?, ?)")) {
        ps.setLong(1, batchId);
        ps.setString(2, job);
        ps.setLong(3, rows.size());
        ps.setLong(4, letters);
        ps.setTimestamp(5, Timestamp.from(clock.instant()), UTC);
        ps.executeUpdate();
      }
      boolean prune = batchesSincePrune + 1 >= PRUNE_EVERY;
      if (prune) Tables.prune(c, ledger, clock.instant().minus(settings.ledgerRetention()));
      probe.reached(Step.LEDGERED, attempt, c);
      c.commit();
      batchesSincePrune = prune ? 0 : batchesSincePrune + 1;
      return new BatchResult(batchId, false, rows.size(), rows.size() - updated, updated, letters, attempt);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    }
  }

  private boolean alreadyCommitted(Connection c, long batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + ledger.name().sql() + " WHERE batch_id = ?")) {
      ps.setLong(1, batchId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @FunctionalInterface
  private interface Attempt<T> {
    T run(int attempt) throws SQLException;
  }

  private <T> T runWithRetry(String what, RetryPolicy retry, Attempt<T> work) {
    Instant outageSince = null;
    Instant lastLog = null;
    int conflicts = 0;
    for (int attempt = 1; ; attempt++) {
      try {
        T result = work.run(attempt);
        if (outageSince != null) {
          LOG.info("job {}: the warehouse is back after {}; {} of {} went through", job,
              human(Duration.between(outageSince, clock.instant())), what, target.target().name());
        }
        waiting = null;
        return result;
      } catch (SQLException | RuntimeException e) {
        if (e instanceof Tables.SchemaMismatchException || e instanceof StagedMerge.ValueException) {
          waiting = null;
          throw (RuntimeException) e;
        }
        Failure failure = Failure.of(e);
        if (!failure.isTransient()) {
          waiting = null;
          throw new SinkException("job " + job + ": writing " + what + " to " + target.target().name() + " failed: " + e.getMessage(), e);
        }
        dropConnection();
        Instant now = clock.instant();
        if (failure == Failure.CONFLICT) {
          metrics.conflicted();
          if (++conflicts >= retry.maxAttempts()) {
            waiting = null;
            throw new SinkException("job " + job + ": writing " + what + " to " + target.target().name() + " failed after "
                + conflicts + " conflicts with concurrent transactions: " + e.getMessage(), e);
          }
          LOG.info("job {}: {} conflicted with a concurrent transaction ({}); retrying", job, what, firstLine(e));
        } else {
          String reason = failure == Failure.CONNECTION_LIMIT
              ? "the warehouse's connection limit is reached (" + firstLine(e) + ")"
              : "the warehouse is unreachable (" + firstLine(e) + ")";
          if (outageSince == null) {
            outageSince = now;
            lastLog = now;
            LOG.warn("job {}: {}; {} waits and retries for up to {}{}", job, reason, what, human(retry.outageLimit()),
                failure == Failure.CONNECTION_LIMIT ? ", at least " + RetryPolicy.CONNECTION_LIMIT_BACKOFF.toSeconds()
                    + " s apart (lower maxConcurrentJobs or free connections on the cluster)" : "");
          } else if (Duration.between(lastLog, now).compareTo(STILL_WAITING_LOG) >= 0) {
            lastLog = now;
            LOG.warn("job {}: still waiting for the warehouse after {}: {}", job, human(Duration.between(outageSince, now)), reason);
          }
          waiting = new Waiting(reason, outageSince);
          if (Duration.between(outageSince, now).compareTo(retry.outageLimit()) > 0) {
            waiting = null;
            throw new SinkException("job " + job + ": " + what + " of " + target.target().name() + " waited " + human(retry.outageLimit())
                + " (the outage limit) for the warehouse: " + e.getMessage(), e);
          }
        }
        metrics.retried();
        try {
          Thread.sleep(retry.backoff(failure, failure == Failure.CONFLICT ? conflicts : attempt).toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          waiting = null;
          // A stop interrupts the query's thread; Spark reads this shape as "stopped", not as a failure.
          throw new UncheckedIOException(new InterruptedIOException("job " + job + ": stopped while " + what + " waited to retry"));
        }
      }
    }
  }

  /** 2h, 1m4s: durations as the config spells them. */
  private static String human(Duration d) {
    return d.withNanos(0).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private Connection connection() throws SQLException {
    if (connection == null) connection = warehouse.connect();
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
