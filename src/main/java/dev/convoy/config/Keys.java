package dev.convoy.config;

import java.util.List;

/** Every key of a job config, declared once. The README's two tables are {@link #markdown} of {@link #JOB} and {@link #TOP}. */
public final class Keys {

  private Keys() {}

  // A job (under jobs:)
  public static final Key NAME = new Key("name", "name", null, "lower-case letters, digits, `-`; the query, pool and ledger name");
  public static final Key CODE = new Key("code", "class", "<none>",
      "a coded job: the class of its `dev.convoy.job.CodedJob` (see \"Coded jobs\"); such a job has no `eventType`, `wireProtocol` or `aggregation`");
  public static final Key STREAM = new Key("stream", "stream name", null, "the Kinesis stream: 1 to 128 letters, digits, `_`, `.`, `-`");
  public static final Key SHARDS = new Key("shards", "integer", "2", "the shards `bin/convoy stack up` creates for the stream locally");
  public static final Key EVENT_TYPE = new Key("eventType", "event type", null,
      "configured jobs: `sent`, `opened`, `clicked`, `bounced` or `unsubscribed`");
  public static final Key WIRE_PROTOCOL = new Key("wireProtocol", "compact or binary", "compact", "the Thrift protocol of the payloads");
  public static final Key SOURCE = new Key("source", "auto, aws-kinesis or builtin", "auto",
      "`auto` is the built-in source; `aws-kinesis` the AWS connector ([docs/kinesis-source.md](docs/kinesis-source.md))");
  public static final Key SOURCE_OPTIONS = new Key("sourceOptions", "mapping", "<the top-level `kinesis`>", "options in the built-in source's names");
  public static final Key AGGREGATION = new Key("aggregation", "mapping", "<below>",
      "configured jobs: `window`, `watermark`, `dimensions`, `metrics` (the four keys below)");
  public static final Key WINDOW = new Key("aggregation.window", "duration", "1h", "the buckets' length");
  public static final Key WATERMARK = new Key("aggregation.watermark", "duration", "24h", "how late an event may arrive and still count");
  public static final Key DIMENSIONS = new Key("aggregation.dimensions", "list", "[email_id, campaign_id]",
      "the buckets' keys, from `email_id`, `campaign_id`, `subscriber_id`");
  public static final Key METRICS = new Key("aggregation.metrics", "list", "[events, distinct_subscribers]",
      "from `events`, `distinct_subscribers` (exact: the state keeps every subscriber id of a bucket until the watermark passes it) and "
          + "`approx_distinct_subscribers` (a HyperLogLog sketch, 1.6% relative standard error, at most ~5 KB of state per bucket "
          + "whatever its subscribers; docs/benchmarks.md)");
  public static final Key TABLE = new Key("table", "table name", null,
      "`table` or `schema.table`, at most 107 characters, not a Redshift reserved word; its ledger and dead letters live beside it");
  public static final Key TRIGGER = new Key("trigger", "duration", "10s",
      "micro-batch interval; each job runs within 1 % of it, at an interval of its own, so jobs of one trigger do not all start a batch at once");
  public static final Key FRESHNESS = new Key("freshness", "duration", "<none>",
      "instead of `trigger`: how old the newest data in the table may get; the trigger becomes half of it, since a batch that "
          + "keeps its trigger ends before the next (docs/benchmarks.md: how many jobs a driver holds at which freshness)");
  public static final Key CHECKPOINT = new Key("checkpoint", "path", "<`<checkpointRoot>/<name>`>", "the job's own checkpoint");
  public static final Key WEIGHT = new Key("weight", "1 to 1000", "1",
      "its share of batch turns under load and its FAIR pool's weight: 2 gets twice the turns of 1, as long as it has a batch waiting (a job runs one batch at a time)");
  public static final Key SHUFFLE_PARTITIONS = new Key("shufflePartitions", "integer", "2", "fixed at a checkpoint's first run, so choose on purpose; 1 is enough for a light job and cheaper");
  public static final Key MAX_RESTARTS = new Key("restart.maxRestarts", "integer", "5", "failures in a row before the job is `FAILED`");
  public static final Key BACKOFF = new Key("restart.backoff", "duration", "2s", "the first restart's delay, doubling each time");
  public static final Key MAX_BACKOFF = new Key("restart.maxBackoff", "duration", "2m", "the longest delay between restarts");

  // The top of the file
  public static final Key MAX_CONCURRENT_JOBS = new Key("maxConcurrentJobs", "integer", "<the number of jobs>",
      "jobs with a running query at once; the others wait as `PENDING` (changes live with `apply`)");
  public static final Key MAX_CONCURRENT_BATCHES = new Key("maxConcurrentBatches", "integer", "0",
      "batches using the executors at once, taking turns fairly by weight; 0: the executors' cores when the driver starts "
          + "(on EMR with dynamic allocation, set the cluster's executor cores)");
  public static final Key DEFAULT_FRESHNESS = new Key("freshness", "duration", "<none>",
      "the `freshness` of every job that sets neither `trigger` nor `freshness`; fewer batches per job, more jobs per driver");
  public static final Key CHECKPOINT_ROOT = new Key("checkpointRoot", "path", "/tmp/convoy-checkpoints", "where jobs' checkpoints go by default");
  public static final Key KINESIS = new Key("kinesis", "mapping", "<none>", "default source options of every job");
  public static final Key REDSHIFT_URL = new Key("redshift.url", "jdbc:redshift: URL", null, "the warehouse; TLS unless the URL says `ssl=false`");
  public static final Key REDSHIFT_CREDENTIALS = new Key("redshift.credentials", "mapping", "<the two variables below>",
      "`{userVariable, passwordVariable}` (default `CONVOY_REDSHIFT_USER`, `CONVOY_REDSHIFT_PASSWORD`), `{secret: <id>}` or `{iam: true}`");
  public static final Key USER_VARIABLE = new Key("redshift.credentials.userVariable", "variable", "CONVOY_REDSHIFT_USER", "holds the user name");
  public static final Key PASSWORD_VARIABLE = new Key("redshift.credentials.passwordVariable", "variable", "CONVOY_REDSHIFT_PASSWORD",
      "holds the password");
  public static final Key MAX_CONNECTIONS = new Key("redshift.maxConnections", "integer", "500",
      "the driver needs one connection per job plus one, and refuses to start (or apply) when that is more");
  public static final Key OUTAGE_LIMIT = new Key("redshift.outageLimit", "duration", "2h",
      "how long a batch waits for a warehouse that is away; at most 12h");
  public static final Key LEDGER_RETENTION = new Key("redshift.ledgerRetention", "duration", "7d", "how long each ledger keeps batch ids");
  public static final Key SPARK = new Key("spark", "mapping", "<none>", "any Spark setting, e.g. `spark.master` locally");
  public static final Key CONTROL_HOST = new Key("control.host", "host", "127.0.0.1", "where the control endpoint and the status page listen");
  public static final Key CONTROL_PORT = new Key("control.port", "0 to 65535", "8787", "their port (0: any free one)");
  public static final Key TOKEN_VARIABLE = new Key("control.tokenVariable", "variable", "CONVOY_CONTROL_TOKEN",
      "holds the control token; unset, the driver makes one and writes it to its state folder");
  public static final Key STATE_DIR = new Key("control.stateDir", "path", "<`/tmp/convoy-driver-$USER`>",
      "the control address, token and the config applied live");

  public static final List<Key> JOB = List.of(NAME, CODE, STREAM, SHARDS, EVENT_TYPE, WIRE_PROTOCOL, SOURCE, SOURCE_OPTIONS, AGGREGATION, WINDOW,
      WATERMARK, DIMENSIONS, METRICS, TABLE, TRIGGER, FRESHNESS, CHECKPOINT, WEIGHT, SHUFFLE_PARTITIONS, MAX_RESTARTS, BACKOFF, MAX_BACKOFF);

  public static final List<Key> TOP = List.of(MAX_CONCURRENT_JOBS, MAX_CONCURRENT_BATCHES, DEFAULT_FRESHNESS, CHECKPOINT_ROOT, KINESIS, REDSHIFT_URL,
      REDSHIFT_CREDENTIALS, USER_VARIABLE, PASSWORD_VARIABLE, MAX_CONNECTIONS, OUTAGE_LIMIT, LEDGER_RETENTION, SPARK, CONTROL_HOST,
      CONTROL_PORT, TOKEN_VARIABLE, STATE_DIR);

  /** A Markdown table of {@code keys}: key, default, meaning. */
  public static String markdown(List<Key> keys) {
    StringBuilder out = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (Key k : keys) {
      String def = k.defaultValue() == null ? "required" : k.defaultValue().startsWith("<")
          ? k.defaultValue().substring(1, k.defaultValue().length() - 1) : "`" + k.defaultValue() + "`";
      out.append("| `").append(k.name()).append("` | ").append(def).append(" | ").append(k.description()).append(" |\n");
    }
    return out.toString();
  }

  /** The last part of a dotted key: what its mapping calls it. */
  static String leaf(Key key) {
    return key.name().substring(key.name().lastIndexOf('.') + 1);
  }
}
