package dev.convoy.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import dev.convoy.source.kinesis.proxy.KinesisEndpoint;
import dev.convoy.source.kinesis.proxy.SdkStreamProxy;
import dev.convoy.sink.TableName;
import dev.convoy.sink.Tables;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Endpoints of the local stack started by {@code bin/convoy stack up}: from the environment
 * ({@code eval "$(bin/convoy stack env)"}), else from the stack's {@code stack.env} file, so a test
 * run from an IDE finds the stack too.
 */
public record LocalStack(URI kinesisEndpoint, Region region, String redshiftUrl, String redshiftUser,
                         String redshiftPassword) {

  public static LocalStack fromEnvironment() {
    Map<String, String> env = new HashMap<>(stackEnvFile());
    System.getenv().forEach((k, v) -> { if (k.startsWith("CONVOY_") || k.startsWith("AWS_")) env.put(k, v); });
    return new LocalStack(
        URI.create(required(env, "CONVOY_KINESIS_ENDPOINT")),
        Region.of(env.getOrDefault("AWS_REGION", "us-east-1")),
        required(env, "CONVOY_REDSHIFT_URL"),
        required(env, "CONVOY_REDSHIFT_USER"),
        required(env, "CONVOY_REDSHIFT_PASSWORD"));
  }

  private static final StaticCredentialsProvider ANY_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("convoy-local", "convoy-local"));

  /** This process's environment plus the stack's endpoints and credentials, as a driver started here would see them. */
  public java.util.Map<String, String> driverEnv() {
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.putIfAbsent("CONVOY_KINESIS_ENDPOINT", kinesisEndpoint().toString());
    env.putIfAbsent("CONVOY_REDSHIFT_URL", redshiftUrl());
    env.putIfAbsent("CONVOY_REDSHIFT_USER", redshiftUser());
    env.putIfAbsent("CONVOY_REDSHIFT_PASSWORD", redshiftPassword());
    return env;
  }

  /**
   * The top of a test driver's config, down to {@code jobs:}: this stack's endpoints from {@link #driverEnv},
   * streams read from the start, two local cores, checkpoints and state under {@code work}, any free port.
   */
  public static String driverConfigHead(int maxConcurrentJobs, Path work) {
    return """
        maxConcurrentJobs: %d
        checkpointRoot: %s
        kinesis: { region: us-east-1, endpointUrl: "${CONVOY_KINESIS_ENDPOINT}", startingPosition: TRIM_HORIZON, getRecordsInterval: 50ms }
        redshift: { url: "${CONVOY_REDSHIFT_URL}" }
        spark: { spark.master: "local[2]", spark.ui.enabled: "false", spark.sql.session.timeZone: UTC }
        control: { port: 0, stateDir: %s }
        jobs:
        """.formatted(maxConcurrentJobs, work.resolve("checkpoints"), work.resolve("state"));
  }

  public KinesisClient kinesis() {
    return KinesisClient.builder().endpointOverride(kinesisEndpoint).region(region).credentialsProvider(ANY_CREDENTIALS).build();
  }

  public KinesisEndpoint kinesisAt() {
    return new KinesisEndpoint(region, Optional.of(kinesisEndpoint));
  }

  /** Convoy's own Kinesis seam, on the local stack (kinesis-local takes any credentials). */
  public SdkStreamProxy streamProxy() {
    return new SdkStreamProxy(kinesisAt().client(ANY_CREDENTIALS), kinesisAt());
  }

  /** A connection through PgBouncer with the real Redshift driver, as Convoy's sink connects. */
  public Connection redshift() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", redshiftUser);
    props.setProperty("password", redshiftPassword);
    return DriverManager.getConnection(redshiftUrl, props);
  }

  /** Convoy's warehouse seam on the local stand-in, with the Redshift driver. */
  public dev.convoy.sink.RedshiftWarehouse warehouse() {
    var settings = new dev.convoy.sink.RedshiftSettings(redshiftUrl,
        new dev.convoy.sink.RedshiftSettings.Credentials.Environment("U", "P"));
    return new dev.convoy.sink.RedshiftWarehouse(settings, Map.of("U", redshiftUser, "P", redshiftPassword));
  }

  /** A fresh schema on the stand-in, named {@code prefix} and a unique suffix; drop it with {@link #dropSchema}. */
  public String createSchema(String prefix) throws SQLException {
    String schema = prefix + Long.toHexString(System.nanoTime());
    try (Connection c = redshift(); java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return schema;
  }

  public void dropSchema(String schema) throws SQLException {
    try (Connection c = redshift(); java.sql.Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** Drops each job table and the ledger and dead-letter tables its sink made beside it. */
  public void dropJobTables(Iterable<String> tables) throws SQLException {
    try (Connection c = redshift(); java.sql.Statement s = c.createStatement()) {
      for (String t : tables) {
        TableName table = TableName.parse("table", t);
        for (TableName drop : java.util.List.of(table, Tables.ledger(table).name(), Tables.deadLetters(table).name())) {
          s.execute("DROP TABLE IF EXISTS " + drop.sql());
        }
      }
    }
  }

  private static String required(Map<String, String> env, String key) {
    String value = env.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(key + " is not set and no stack.env was found: run 'bin/convoy stack up' "
          + "(make test does), or export the values of 'bin/convoy stack env'.");
    }
    return value;
  }

  /** The stack's state folder, as bin/lib/stack.sh chooses it. */
  public static Path stackDir() {
    return Path.of(System.getenv().getOrDefault("CONVOY_STACK_DIR",
        "/tmp/convoy-stack-" + new com.sun.security.auth.module.UnixSystem().getUid()));
  }

  private static Map<String, String> stackEnvFile() {
    Path file = stackDir().resolve("stack.env");
    Map<String, String> values = new HashMap<>();
    if (!Files.isReadable(file)) return values;
    try {
      for (String line : Files.readAllLines(file)) {
        String l = line.strip();
        if (!l.startsWith("export ") || !l.contains("=")) continue;
        String kv = l.substring("export ".length());
        int eq = kv.indexOf('=');
        String value = kv.substring(eq + 1);
        if (value.startsWith("${")) continue; // shell defaults such as ${AWS_ACCESS_KEY_ID:-…}
        values.put(kv.substring(0, eq), value);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
    return values;
  }
}
