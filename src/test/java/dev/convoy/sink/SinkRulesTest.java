package dev.convoy.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SinkRulesTest {

  static final TableSpec SPEC = new TableSpec(TableName.parse("t", "analytics.clicks_hourly"), List.of(
      Column.key("bucket_start", ColumnType.TIMESTAMP), Column.key("email_id", ColumnType.varchar(64)),
      Column.value("events", ColumnType.BIGINT), Column.value("rate", ColumnType.DOUBLE), Column.value("late", ColumnType.BOOLEAN)),
      Optional.of(new Identifier("email_id")), List.of(new Identifier("bucket_start")));

  @Test
  void redshiftOnlyClausesAppearOnlyOnRedshift() {
    assertThat(Tables.createSql(SPEC, Dialect.POSTGRESQL)).isEqualTo("CREATE TABLE IF NOT EXISTS analytics.clicks_hourly "
        + "(bucket_start TIMESTAMP NOT NULL, email_id VARCHAR(64) NOT NULL CHECK (octet_length(email_id) <= 64), events BIGINT, "
        + "rate DOUBLE PRECISION, late BOOLEAN, "
        + "PRIMARY KEY (bucket_start, email_id))");
    assertThat(Tables.createSql(SPEC, Dialect.REDSHIFT)).endsWith("PRIMARY KEY (bucket_start, email_id)) DISTKEY(email_id) SORTKEY(bucket_start)")
        .doesNotContain("octet_length");
  }

  @Test
  void mergeUpdatesValuesAndInsertsEveryColumn() {
    var sink = new UpsertSink(() -> { throw new SQLException("unused"); }, "j", SPEC);
    assertThat(sink.mergeSql()).isEqualTo("MERGE INTO analytics.clicks_hourly USING convoy_stage ON "
        + "analytics.clicks_hourly.bucket_start = convoy_stage.bucket_start AND analytics.clicks_hourly.email_id = convoy_stage.email_id "
        + "WHEN MATCHED THEN UPDATE SET events = convoy_stage.events, rate = convoy_stage.rate, late = convoy_stage.late "
        + "WHEN NOT MATCHED THEN INSERT (bucket_start, email_id, events, rate, late) VALUES (convoy_stage.bucket_start, "
        + "convoy_stage.email_id, convoy_stage.events, convoy_stage.rate, convoy_stage.late)");
  }

  @Test
  void redshiftsSerializationAndConflictErrorsAreRetriedAsConflicts() {
    // Redshift's error 1023 as redshift-jdbc42 reports it (SQLSTATE XX000, the DETAIL in the message).
    assertThat(Failure.of(new SQLException("ERROR: 1023\n  Detail: Serializable isolation violation on table - 15345, "
        + "transactions forming the cycle are: 1010, 1018 (pid:8238)", "XX000"))).isEqualTo(Failure.CONFLICT);
    assertThat(Failure.of(new SQLException("ERROR: 1023 DETAIL: Serializable isolation violation on table in Redshift", "XX000")))
        .isEqualTo(Failure.CONFLICT);
    // SNAPSHOT isolation's write conflict, and PostgreSQL's serialization failure and deadlock.
    assertThat(Failure.of(new SQLException("ERROR: could not complete because of conflict with concurrent transaction", "XX000")))
        .isEqualTo(Failure.CONFLICT);
    assertThat(Failure.of(new SQLException("ERROR: could not serialize access due to read/write dependencies among transactions", "40001")))
        .isEqualTo(Failure.CONFLICT);
    assertThat(Failure.of(new SQLException("ERROR: deadlock detected", "40P01"))).isEqualTo(Failure.CONFLICT);
    // Any other XX000 (Redshift's internal error) is not a conflict.
    assertThat(Failure.of(new SQLException("ERROR: Assert", "XX000"))).isEqualTo(Failure.PERMANENT);
    assertThat(Failure.of(new SQLException("ERROR: 10230 rows", "XX000"))).isEqualTo(Failure.PERMANENT);
  }

  @Test
  void aWarehouseThatIsAwayIsWaitedForAndTheConnectionLimitWaitsLonger() {
    assertThat(Failure.of(new SQLException("x", "08006"))).isEqualTo(Failure.UNREACHABLE);
    assertThat(Failure.of(new SQLException("The connection attempt failed.", "08001"))).isEqualTo(Failure.UNREACHABLE);
    assertThat(Failure.of(new SQLException("FATAL: terminating connection due to administrator command", "57P01"))).isEqualTo(Failure.UNREACHABLE);
    assertThat(Failure.of(new SQLTransientConnectionException("x", null, new IOException("Connection reset")))).isEqualTo(Failure.UNREACHABLE);
    assertThat(Failure.of(new SQLException("An I/O error occurred while sending to the backend."))).isEqualTo(Failure.UNREACHABLE);
    // Redshift's and PostgreSQL's wording for "no connection left".
    assertThat(Failure.of(new SQLException("FATAL: connection limit \"500\" exceeded for non-bootstrap users", "53300")))
        .isEqualTo(Failure.CONNECTION_LIMIT);
    assertThat(Failure.of(new SQLException("FATAL: connection limit \"500\" exceeded for non-bootstrap users")))
        .isEqualTo(Failure.CONNECTION_LIMIT);
    assertThat(Failure.of(new SQLException("FATAL: sorry, too many clients already", "53300"))).isEqualTo(Failure.CONNECTION_LIMIT);
    assertThat(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(100)).backoff(Failure.CONNECTION_LIMIT, 1))
        .isGreaterThanOrEqualTo(RetryPolicy.CONNECTION_LIMIT_BACKOFF.dividedBy(2));
    assertThat(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(100)).backoff(Failure.UNREACHABLE, 30))
        .isLessThanOrEqualTo(Duration.ofMillis(100));
  }

  @Test
  void mistakesARetryCannotFixFailAtOnce() {
    assertThat(Failure.of(new SQLException("syntax error", "42601"))).isEqualTo(Failure.PERMANENT);
    assertThat(Failure.of(new SQLException("duplicate key", "23505"))).isEqualTo(Failure.PERMANENT);
    assertThat(Failure.of(new SQLException("permission denied for relation clicks", "42501"))).isEqualTo(Failure.PERMANENT);
    assertThat(Failure.of(new SQLException("value too long for type character varying(256)", "22001"))).isEqualTo(Failure.PERMANENT);
  }

  @Test
  void redshiftsReservedWordsAreRefusedAsNamesNamingTheWord() {
    assertThatThrownBy(() -> TableName.parse("job x field 'table'", "tag")).hasMessageContaining("'tag' is a reserved word in Amazon Redshift")
        .hasMessageStartingWith("job x field 'table'");
    assertThatThrownBy(() -> TableName.parse("t", "delta.clicks")).hasMessageContaining("'delta' is a reserved word");
    assertThatThrownBy(() -> new Identifier("snapshot")).hasMessageContaining("'snapshot'");
    assertThat(new Identifier("tags").value()).isEqualTo("tags");
    assertThat(new Identifier("email_id").value()).isEqualTo("email_id");
  }

  @Test
  void varcharLengthsAreCountedInBytesAndNamed() {
    TableSpec spec = new TableSpec(TableName.parse("t", "names"), List.of(Column.key("name", ColumnType.varchar(4)),
        Column.value("n", ColumnType.BIGINT)));
    StagedMerge merge = new StagedMerge(spec, "s");
    assertThat(merge.validated("j", List.<Object[]>of(new Object[] {"abcd", 1L}))).hasSize(1);
    // Two characters, six bytes: PostgreSQL's VARCHAR(4) takes it, Redshift's does not.
    assertThatThrownBy(() -> merge.validated("job-7", List.<Object[]>of(new Object[] {"日本", 1L})))
        .hasMessage("job job-7: table names column name: value '日本' is 6 bytes of UTF-8, but VARCHAR(4) holds 4 bytes on Redshift");
    assertThatThrownBy(() -> merge.validated("j", List.<Object[]>of(new Object[] {null, 1L}))).hasMessageContaining("key column name is null");
    assertThat(Values.utf8Bytes("aé日😀")).isEqualTo(1 + 2 + 3 + 4);
    assertThat(Values.truncateToBytes("aé日", 4)).isEqualTo("aé");
    assertThat(Values.truncateToBytes("aé日", 6)).isEqualTo("aé日");
  }

  @Test
  void keysThatRedshiftCallsEqualAreOneRowAndLoseTheirTrailingSpaces() {
    TableSpec spec = new TableSpec(TableName.parse("t", "names"), List.of(Column.key("name", ColumnType.varchar(8)),
        Column.value("n", ColumnType.BIGINT)));
    List<Object[]> rows = new StagedMerge(spec, "s").validated("j",
        List.of(new Object[] {"a", 1L}, new Object[] {"a  ", 2L}, new Object[] {" a", 3L}));
    assertThat(rows).extracting(r -> r[0] + "=" + r[1]).containsExactly("a=2", " a=3");
  }

  @Test
  void companionTablesFitRedshiftsNamesOrTheTargetIsRefused() {
    TableName target = TableName.parse("t", "analytics.clicks_hourly");
    assertThat(Tables.ledger(target).name().sql()).isEqualTo("analytics.clicks_hourly_convoy_batches");
    assertThat(Tables.deadLetters(target).name().sql()).isEqualTo("analytics.clicks_hourly_convoy_dead_letters");
    assertThat(Tables.ledger(target).sortKeys()).extracting(Identifier::value).containsExactly("batch_id");
    TableName tooLong = TableName.parse("t", "x".repeat(Tables.MAX_TARGET_NAME + 1));
    assertThatThrownBy(() -> Tables.ledger(tooLong)).hasMessageContaining("at most " + Tables.MAX_TARGET_NAME);
  }

  @Test
  void deadLettersKeepLargePayloadsInPartsAndCutTextToBytes() {
    byte[] payload = new byte[200_000];
    var letter = new dev.convoy.events.DeadLetter("j", "s", "1", "ключ".repeat(100), java.time.Instant.EPOCH, "ошибка ".repeat(200),
        java.util.Base64.getEncoder().encodeToString(payload));
    List<Object[]> rows = DeadLetters.rows(5, List.of(letter));
    assertThat(rows).hasSize(5); // 266,668 base64 characters in parts of 65,000
    assertThat(rows).allSatisfy(r -> {
      assertThat(Values.utf8Bytes((String) r[6])).isLessThanOrEqualTo(DeadLetters.PARTITION_KEY_BYTES);
      assertThat(Values.utf8Bytes((String) r[8])).isLessThanOrEqualTo(DeadLetters.ERROR_BYTES);
      assertThat(r[5]).isEqualTo(5L);
    });
    StringBuilder whole = new StringBuilder();
    rows.forEach(r -> whole.append(r[9]));
    assertThat(whole.toString()).isEqualTo(letter.payloadBase64());
  }

  @Test
  void tlsIsOnUnlessTheUrlTurnsItOff() {
    var env = new RedshiftSettings.Credentials.Environment("U", "P");
    assertThat(new RedshiftSettings("jdbc:redshift://host:5439/db", env).tlsDisabled()).isFalse();
    assertThat(new RedshiftSettings("jdbc:redshift://127.0.0.1:6432/convoy?ssl=false", env).tlsDisabled()).isTrue();
    assertThat(new RedshiftSettings("jdbc:redshift://h/db?ssl=falsey", env).tlsDisabled()).isFalse();
  }

  @Test
  void iamUrlsPassThroughAndNeedIamCredentials() {
    assertThat(new RedshiftSettings("jdbc:redshift:iam://cluster:us-east-1/db", new RedshiftSettings.Credentials.Iam()).url())
        .startsWith("jdbc:redshift:iam://");
    assertThatThrownBy(() -> new RedshiftSettings("jdbc:redshift:iam://c/db", new RedshiftSettings.Credentials.Secret("s")))
        .hasMessageContaining("iam");
    assertThatThrownBy(() -> new RedshiftSettings("jdbc:postgresql://h/db", new RedshiftSettings.Credentials.Iam()))
        .hasMessageContaining("redshift.url must start with jdbc:redshift:");
  }

  @Test
  void secretsGiveUserAndPasswordAndMissingOnesAreNamed() throws Exception {
    String json = "{\"username\":\"etl\",\"password\":\"p\\\"w\",\"engine\":\"redshift\"}";
    assertThat(RedshiftWarehouse.field(json, "username", "s")).isEqualTo("etl");
    assertThat(RedshiftWarehouse.field(json, "password", "s")).isEqualTo("p\"w");
    assertThatThrownBy(() -> RedshiftWarehouse.field("{}", "password", "arn:x")).hasMessage("redshift: secret arn:x has no \"password\" field");
    var warehouse = new RedshiftWarehouse(new RedshiftSettings("jdbc:redshift://h/db", new RedshiftSettings.Credentials.Environment("U", "P")), Map.of());
    assertThatThrownBy(warehouse::connect).hasMessageContaining("environment variable U is not set");
  }

  @Test
  void columnChecksNameTheColumn() {
    assertThatThrownBy(() -> Tables.verify(SPEC, Map.of("bucket_start", "timestamp without time zone", "email_id", "character varying",
        "events", "bigint", "rate", "double precision", "late", "boolean", "extra", "bigint")))
        .hasMessageContaining("a column extra that the job does not write");
    assertThatThrownBy(() -> new TableSpec(TableName.parse("t", "x"), List.of(Column.value("a", ColumnType.BIGINT))))
        .hasMessageContaining("at least one key column");
  }
}
