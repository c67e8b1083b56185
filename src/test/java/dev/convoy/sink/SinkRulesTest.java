package dev.convoy.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
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
        + "(bucket_start TIMESTAMP NOT NULL, email_id VARCHAR(64) NOT NULL, events BIGINT, rate DOUBLE PRECISION, late BOOLEAN, "
        + "PRIMARY KEY (bucket_start, email_id))");
    assertThat(Tables.createSql(SPEC, Dialect.REDSHIFT)).endsWith("PRIMARY KEY (bucket_start, email_id)) DISTKEY(email_id) SORTKEY(bucket_start)");
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
  void transientErrorsAreTheOnesARetryCanFix() {
    assertThat(RetryPolicy.isTransient(new SQLException("x", "08006"))).isTrue();
    assertThat(RetryPolicy.isTransient(new SQLException("ERROR: 1023 DETAIL: Serializable isolation violation on table", "XX000"))).isTrue();
    assertThat(RetryPolicy.isTransient(new SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
    assertThat(RetryPolicy.isTransient(new SQLTransientConnectionException("x", null, new IOException("reset")))).isTrue();
    assertThat(RetryPolicy.isTransient(new SQLException("syntax error", "42601"))).isFalse();
    assertThat(RetryPolicy.isTransient(new SQLException("duplicate key", "23505"))).isFalse();
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
