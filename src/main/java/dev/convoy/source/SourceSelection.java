package dev.convoy.source;

import dev.convoy.source.kinesis.KinesisSourceOptions;
import dev.convoy.source.kinesis.KinesisSourceProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Resolves a job's source choice to a Spark format and its options. Jobs write the built-in source's
 * option names; for {@code aws-kinesis} they are renamed to the connector's {@code kinesis.*} names,
 * so switching sources is a one-word change in the job's config.
 */
public final class SourceSelection {

  /** The AWS connector's provider class, present in the EMR 7.1+ release image. */
  public static final String AWS_CONNECTOR_PROVIDER = "org.apache.spark.sql.connector.kinesis.KinesisV2TableProvider";
  public static final String AWS_CONNECTOR_FORMAT = "aws-kinesis";

  /** What a job reads with. */
  public record Resolved(SourceChoice source, String format, Map<String, String> options) {}

  private final Predicate<String> classPresent;

  public SourceSelection(Predicate<String> classPresent) {
    this.classPresent = classPresent;
  }

  /** Looks the connector up on this JVM's classpath (the driver's, which is what Spark resolves formats with). */
  public static SourceSelection onClasspath() {
    return new SourceSelection(name -> {
      try {
        Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    });
  }

  /**
   * @param options the job's source options, in the built-in source's names; validated here, so a bad
   *                option fails at start-up whichever source runs
   */
  public Resolved resolve(SourceChoice choice, Map<String, String> options) {
    KinesisSourceOptions validated = KinesisSourceOptions.from(options);
    // The built-in source reads on the executors and runs no task for an idle shard, so it is the
    // default for many jobs per driver; the connector's read tasks wait up to 10 s on an idle shard.
    SourceChoice effective = choice == SourceChoice.AUTO ? SourceChoice.BUILTIN : choice;
    if (effective == SourceChoice.AWS_KINESIS && !classPresent.test(AWS_CONNECTOR_PROVIDER)) {
      throw new IllegalArgumentException("source aws-kinesis: the AWS Kinesis connector (" + AWS_CONNECTOR_PROVIDER
          + ") is not on the classpath; it ships with EMR 7.1 and later. Use 'source: builtin' or 'source: auto' elsewhere.");
    }
    return effective == SourceChoice.BUILTIN
        ? new Resolved(SourceChoice.BUILTIN, KinesisSourceProvider.SHORT_NAME, Map.copyOf(options))
        : new Resolved(SourceChoice.AWS_KINESIS, AWS_CONNECTOR_FORMAT, awsConnectorOptions(validated));
  }

  static Map<String, String> awsConnectorOptions(KinesisSourceOptions o) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("kinesis.streamName", o.streamName());
    m.put("kinesis.region", o.region());
    m.put("kinesis.endpointUrl", o.endpointUrl() != null ? o.endpointUrl() : "https://kinesis." + o.region() + ".amazonaws.com");
    m.put("kinesis.consumerType", "GetRecords");
    m.put("kinesis.startingPosition", switch (o.startingPosition()) {
      case KinesisSourceOptions.StartingPosition.Latest l -> "LATEST";
      case KinesisSourceOptions.StartingPosition.TrimHorizon t -> "TRIM_HORIZON";
      case KinesisSourceOptions.StartingPosition.AtTimestamp a -> "AT_TIMESTAMP " + a.timestamp();
    });
    // Convoy's cap (10,000 by default, the connector's is 100,000) ends a read task sooner. No
    // maxFetchTimePerShardSec: the connector refuses less than 10 s, and a task with it set reads for
    // that long, holding its executor slot; without it a task ends at the cap or after 10 s idle.
    m.put("kinesis.maxFetchRecordsPerShard", Integer.toString(o.maxRecordsPerShard()));
    m.put("kinesis.getRecords.numberOfRecordsPerFetch", Integer.toString(o.getRecordsLimit()));
    m.put("kinesis.getRecords.fetchIntervalMs", Long.toString(o.getRecordsInterval().toMillis()));
    m.put("kinesis.describeShardInterval", o.listShardsInterval().toMillis() + "ms");
    m.put("kinesis.clientNumRetries", Integer.toString(o.maxRetries()));
    if (o.roleArn() != null) {
      m.put("kinesis.stsRoleArn", o.roleArn());
      m.put("kinesis.stsSessionName", o.roleSessionName());
    }
    return m;
  }
}
