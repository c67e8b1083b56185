package dev.convoy.config;

import static dev.convoy.config.Keys.leaf;

import dev.convoy.transform.Aggregation;
import dev.convoy.job.RestartPolicy;

import dev.convoy.events.EventType;
import dev.convoy.job.CodedJob;
import dev.convoy.events.WireProtocol;
import dev.convoy.sink.RedshiftSettings;
import dev.convoy.sink.TableName;
import dev.convoy.sink.Tables;
import dev.convoy.source.SourceChoice;
import dev.convoy.source.kinesis.KinesisSourceOptions;
import dev.convoy.transform.Dimension;
import dev.convoy.transform.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The driver's configuration ({@code conf/jobs.yaml}, {@code conf/jobs.local.yaml}), validated once at
 * start-up: unknown keys, bad durations, bad identifiers, duplicate job names, checkpoints or tables
 * all fail here with the job and field named.
 */
public record ConvoyConfig(int maxConcurrentJobs, int maxConcurrentBatches, Map<String, String> spark, RedshiftSettings redshift, Warehouse warehouse,
                           Control control, List<JobConfig> jobs) {

  /** The control endpoint: where it listens and where the token comes from. */
  public record Control(String host, int port, String tokenVariable, Path stateDir) {}

  /**
   * How the driver uses the warehouse: at most {@code maxConnections} connections (one per job, plus
   * the start-up check); a batch waits up to {@code outageLimit} for a warehouse that is away; each
   * table's ledger keeps committed batch ids for {@code ledgerRetention}.
   */
  public record Warehouse(int maxConnections, Duration outageLimit, Duration ledgerRetention) {
    /** Connections the driver opens: one per job (its sink, which also writes its dead letters), one to check at start-up. */
    public static int connectionsFor(int jobs) {
      return jobs + 1;
    }
  }

  /** Kinesis keeps records 24 h by default: a batch that waits longer than this for Redshift risks losing its records. */
  static final Duration MAX_OUTAGE_LIMIT = Duration.ofHours(12);

  private static final Pattern JOB_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  /** Kinesis's own rule for stream names. */
  private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  public ConvoyConfig {
    spark = Map.copyOf(spark);
    jobs = List.copyOf(jobs);
  }

  /** Where a driver keeps its control address, token and applied config unless {@code control.stateDir} says otherwise. */
  public static Path defaultStateDir(Map<String, String> env) {
    return Path.of("/tmp/convoy-driver-" + env.getOrDefault("USER", "convoy"));
  }

  /** A job's stream and the shards {@code stack up} creates for it, and its source, read without validating the rest. */
  public record StreamSpec(String job, String stream, int shards, String source) {}

  /**
   * Each job's stream, shards and source, for the shell scripts ({@code bin/convoy config streams},
   * {@code sources}): they need no warehouse or endpoint, so {@code ${VARIABLE}}s elsewhere in the
   * file may be unset.
   */
  public static List<StreamSpec> streams(String origin, String yamlText, Map<String, String> env) {
    return top(origin, yamlText, env).list("jobs", i -> "job #" + (i + 1)).stream().map(t -> new StreamSpec(t.string(leaf(Keys.NAME), null),
        t.requiredString(leaf(Keys.STREAM)), t.integer(Keys.SHARDS, 1, 10_000), t.string(Keys.SOURCE))).toList();
  }

  public static ConvoyConfig load(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read the configuration " + file + ": " + e.getMessage());
    }
    return parse(file.toString(), text, env);
  }

  /** The file's top mapping, or an error saying why it is not one. */
  @SuppressWarnings("unchecked")
  private static ConfigTree top(String origin, String yamlText, Map<String, String> env) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
    } catch (RuntimeException e) {
      throw new ConfigException(origin + " is not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof Map)) throw new ConfigException(origin + ": expected a mapping with 'jobs:' at the top");
    return new ConfigTree("", (Map<String, Object>) root, env);
  }

  public static ConvoyConfig parse(String origin, String yamlText, Map<String, String> env) {
    ConfigTree top = top(origin, yamlText, env);

    Map<String, String> kinesis = top.stringMap(leaf(Keys.KINESIS));
    String checkpointRoot = top.string(Keys.CHECKPOINT_ROOT);
    ConfigTree controlTree = top.child("control", "control");
    Control control = new Control(controlTree.string(Keys.CONTROL_HOST), controlTree.integer(Keys.CONTROL_PORT, 0, 65535),
        controlTree.string(Keys.TOKEN_VARIABLE),
        Path.of(controlTree.string(leaf(Keys.STATE_DIR), defaultStateDir(env).toString())));
    controlTree.done();
    ConfigTree redshiftTree = top.child("redshift", "redshift");
    Warehouse warehouse = new Warehouse(redshiftTree.integer(Keys.MAX_CONNECTIONS, 2, 100_000),
        redshiftTree.duration(Keys.OUTAGE_LIMIT), redshiftTree.duration(Keys.LEDGER_RETENTION));
    if (warehouse.outageLimit().isZero() || warehouse.outageLimit().compareTo(MAX_OUTAGE_LIMIT) > 0) {
      throw new ConfigException(redshiftTree.field("outageLimit") + ": must be more than 0 and at most " + MAX_OUTAGE_LIMIT.toHours()
          + "h, well inside the streams' Kinesis retention (24 h by default), or a long outage would lose records");
    }
    if (warehouse.ledgerRetention().compareTo(Duration.ofHours(1)) < 0) {
      throw new ConfigException(redshiftTree.field("ledgerRetention") + ": must be at least 1h; the ledger must outlive any replay");
    }
    RedshiftSettings redshift = redshift(redshiftTree);
    Map<String, String> spark = top.stringMap(leaf(Keys.SPARK));

    List<ConfigTree> jobTrees = top.list("jobs", i -> "job #" + (i + 1));
    if (jobTrees.isEmpty()) throw new ConfigException(origin + ": 'jobs' lists no job");
    Optional<Duration> freshness = freshness(top, Keys.DEFAULT_FRESHNESS);
    List<JobConfig> jobs = jobTrees.stream().map(t -> job(t, kinesis, checkpointRoot, freshness)).toList();
    int maxConcurrent = top.integer(leaf(Keys.MAX_CONCURRENT_JOBS), jobs.size(), 1, 10_000);
    int maxBatches = top.integer(Keys.MAX_CONCURRENT_BATCHES, 0, 10_000); // 0: the executors' cores
    top.done();

    unique(jobs, JobConfig::name, "name");
    unique(jobs, JobConfig::checkpoint, "checkpoint");
    unique(jobs, j -> j.table().sql(), "table");
    int connections = Warehouse.connectionsFor(jobs.size());
    if (connections > warehouse.maxConnections()) {
      throw new ConfigException(redshiftTree.field("maxConnections") + ": " + jobs.size() + " jobs need " + connections
          + " warehouse connections (one per job, one for the start-up check), but the budget is " + warehouse.maxConnections()
          + "; raise redshift.maxConnections if the cluster has room (a provisioned cluster allows 500 in all), or split the jobs over two drivers");
    }
    return new ConvoyConfig(maxConcurrent, maxBatches, spark, redshift, warehouse, control, jobs);
  }

  private static JobConfig job(ConfigTree item, Map<String, String> kinesisDefaults, String checkpointRoot,
                               Optional<Duration> defaultFreshness) {
    String name = item.requiredString(leaf(Keys.NAME));
    if (!JOB_NAME.matcher(name).matches()) {
      throw new ConfigException(item.field("name") + ": '" + name + "' is not a job name: lower-case letters, digits and '-', starting with a letter");
    }
    ConfigTree t = item.renamed("job '" + name + "'");
    String stream = t.requiredString(leaf(Keys.STREAM));
    if (!STREAM_NAME.matcher(stream).matches()) {
      throw new ConfigException(t.field("stream") + ": '" + stream + "' is not a Kinesis stream name: 1 to 128 letters, digits, '_', '.' or '-'");
    }
    t.integer(Keys.SHARDS, 1, 10_000); // read by 'bin/convoy stack up', which creates the local streams
    Optional<String> code = Optional.ofNullable(t.string(leaf(Keys.CODE), null));
    code.ifPresent(c -> codedJob(t, c));
    EventType type = code.isPresent() ? null : t.parsed(leaf(Keys.EVENT_TYPE), null, v -> {
      if (v == null) throw new IllegalArgumentException("is required (sent, opened, clicked, bounced or unsubscribed)");
      return EventType.parse(v);
    });
    WireProtocol protocol = code.isPresent() ? null
        : t.parsed(leaf(Keys.WIRE_PROTOCOL), Keys.WIRE_PROTOCOL.literalDefault(), v -> WireProtocol.valueOf(v.strip().toUpperCase(java.util.Locale.ROOT)));
    SourceChoice source = t.parsed(leaf(Keys.SOURCE), Keys.SOURCE.literalDefault(), v -> SourceChoice.parse(t.field("source"), v));
    Map<String, String> options = new LinkedHashMap<>(kinesisDefaults);
    options.putAll(t.stringMap(leaf(Keys.SOURCE_OPTIONS)));
    options.put(KinesisSourceOptions.STREAM_NAME, stream);
    try {
      KinesisSourceOptions.from(options);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(t.field("sourceOptions") + ": " + e.getMessage());
    }
    Aggregation aggregation = code.isPresent() ? null : aggregation(t.child(leaf(Keys.AGGREGATION), "job '" + name + "' aggregation"));
    TableName table = t.parsed(leaf(Keys.TABLE), null, v -> TableName.parse(t.field("table"), v));
    try {
      Tables.deadLetters(table); // the longest name beside it must fit Redshift's 127 bytes too
    } catch (IllegalArgumentException e) {
      throw new ConfigException(t.field("table") + ": " + e.getMessage());
    }
    Duration trigger = trigger(t, defaultFreshness);
    String checkpoint = t.string(leaf(Keys.CHECKPOINT), checkpointRoot + "/" + name);
    int weight = t.integer(Keys.WEIGHT, 1, 1000);
    int shuffle = t.integer(Keys.SHUFFLE_PARTITIONS, 1, 10_000);
    ConfigTree restart = t.child("restart", "job '" + name + "' restart");
    RestartPolicy policy;
    try {
      policy = new RestartPolicy(restart.integer(Keys.MAX_RESTARTS, 0, 1000),
          restart.duration(Keys.BACKOFF), restart.duration(Keys.MAX_BACKOFF));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(restart.field("backoff") + "/'maxBackoff': " + e.getMessage());
    }
    restart.done();
    t.done();
    return new JobConfig(name, code, stream, type, protocol, source, options, aggregation, table, trigger, checkpoint, weight, shuffle, policy);
  }

  /**
   * A job's trigger: its own, or half of its freshness target. On a driver that keeps its triggers a
   * batch ends before the next trigger, so an event waits at most one trigger to be read and one to be written.
   */
  private static Duration trigger(ConfigTree t, Optional<Duration> defaultFreshness) {
    String trigger = leaf(Keys.TRIGGER);
    if (t.has(trigger) && t.has(leaf(Keys.FRESHNESS))) {
      throw new ConfigException(t.field(leaf(Keys.FRESHNESS)) + ": give 'trigger' or 'freshness', not both (the trigger is half the freshness)");
    }
    Optional<Duration> freshness = t.has(trigger) ? Optional.empty() : freshness(t, Keys.FRESHNESS).or(() -> defaultFreshness);
    return freshness.map(f -> f.dividedBy(2)).orElseGet(() -> t.duration(Keys.TRIGGER));
  }

  /** A freshness target ({@code key}: a job's, or the file's default), if set. */
  private static Optional<Duration> freshness(ConfigTree t, Key key) {
    if (!t.has(leaf(key))) return Optional.empty();
    Duration f = t.duration(leaf(key), null);
    if (f.compareTo(Duration.ofSeconds(2)) < 0) {
      throw new ConfigException(t.field(leaf(key)) + ": must be at least 2s; the trigger is half of it");
    }
    return Optional.of(f);
  }

  private static Aggregation aggregation(ConfigTree agg) {
    Aggregation aggregation = new Aggregation(agg.duration(Keys.WINDOW), agg.duration(Keys.WATERMARK),
        agg.strings(Keys.DIMENSIONS).stream().map(d -> parse(agg, "dimensions", d, Dimension::parse)).toList(),
        agg.strings(Keys.METRICS).stream().map(m -> parse(agg, "metrics", m, Metric::parse)).toList());
    agg.done();
    if (aggregation.window().isZero()) throw new ConfigException(agg.field("window") + ": must be longer than 0");
    if (aggregation.dimensions().isEmpty() || aggregation.metrics().isEmpty()) {
      throw new ConfigException(agg.field("dimensions") + "/'metrics': need at least one of each");
    }
    return aggregation;
  }

  /**
   * A coded job's class must be on the classpath, be a {@link CodedJob} and have a public no-argument
   * constructor; the keys of a configured job's buckets do not apply to it.
   */
  private static void codedJob(ConfigTree t, String className) {
    for (String key : List.of("eventType", "wireProtocol", "aggregation")) {
      if (t.has(key)) {
        throw new ConfigException(t.field(key) + ": a coded job (code: " + className + ") decodes and aggregates in its own code; remove '" + key + "'");
      }
    }
    Class<?> c;
    try {
      c = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ConfigException(t.field("code") + ": no class " + className + " on the classpath (on EMR, add its jar with --jars)");
    }
    if (!CodedJob.class.isAssignableFrom(c)) throw new ConfigException(t.field("code") + ": " + className + " is not a " + CodedJob.class.getName());
    try {
      c.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new ConfigException(t.field("code") + ": " + className + " needs a public constructor without arguments");
    }
  }

  private static <T> T parse(ConfigTree where, String key, String value, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where.field(key) + ": " + e.getMessage());
    }
  }

  private static RedshiftSettings redshift(ConfigTree t) {
    String url = t.requiredString(leaf(Keys.REDSHIFT_URL));
    ConfigTree c = t.child("credentials", "redshift credentials");
    String secret = c.string("secret", null);
    boolean iam = "true".equals(c.string("iam", "false"));
    String userVariable = c.string(Keys.USER_VARIABLE);
    String passwordVariable = c.string(Keys.PASSWORD_VARIABLE);
    RedshiftSettings.Credentials credentials = secret != null ? new RedshiftSettings.Credentials.Secret(secret)
        : iam ? new RedshiftSettings.Credentials.Iam()
        : new RedshiftSettings.Credentials.Environment(userVariable, passwordVariable);
    c.done();
    t.done();
    try {
      return new RedshiftSettings(url, credentials);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(t.field("url") + ": " + e.getMessage());
    }
  }

  private static void unique(List<JobConfig> jobs, java.util.function.Function<JobConfig, String> key, String field) {
    Map<String, String> seen = new HashMap<>();
    for (JobConfig j : jobs) {
      String previous = seen.putIfAbsent(key.apply(j), j.name());
      if (previous != null) {
        throw new ConfigException("job '" + j.name() + "' field '" + field + "': '" + key.apply(j) + "' is also job '" + previous
            + "''s " + field + "; each job needs its own");
      }
    }
  }
}
