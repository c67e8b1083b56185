package dev.convoy.source.kinesis;

import dev.convoy.time.Durations;
import dev.convoy.source.kinesis.proxy.KinesisEndpoint;
import dev.convoy.source.kinesis.proxy.SdkStreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The options of the {@code convoy-kinesis} source, validated once when the query is defined. Option
 * names are case-insensitive (Spark's option map); an unknown option is refused so a typo does not
 * silently fall back to a default.
 */
public record KinesisSourceOptions(
    String streamName,
    String region,
    String endpointUrl,
    StartingPosition startingPosition,
    int maxRecordsPerShard,
    Duration maxFetchTime,
    int getRecordsLimit,
    Duration getRecordsInterval,
    Duration listShardsInterval,
    int maxRetries,
    String roleArn,
    String roleSessionName) implements Serializable {

  /** Where a query with no checkpoint starts reading. */
  public sealed interface StartingPosition extends Serializable {
    record TrimHorizon() implements StartingPosition {}

    record Latest() implements StartingPosition {}

    record AtTimestamp(Instant timestamp) implements StartingPosition {}
  }

  public static final String STREAM_NAME = "streamName";
  public static final String REGION = "region";
  public static final String ENDPOINT_URL = "endpointUrl";
  public static final String STARTING_POSITION = "startingPosition";
  public static final String STARTING_TIMESTAMP = "startingTimestamp";
  public static final String MAX_RECORDS_PER_SHARD = "maxRecordsPerShard";
  public static final String MAX_FETCH_TIME = "maxFetchTime";
  public static final String GET_RECORDS_LIMIT = "getRecordsLimit";
  public static final String GET_RECORDS_INTERVAL = "getRecordsInterval";
  public static final String LIST_SHARDS_INTERVAL = "listShardsInterval";
  public static final String MAX_RETRIES = "maxRetries";
  public static final String ROLE_ARN = "roleArn";
  public static final String ROLE_SESSION_NAME = "roleSessionName";

  private static final Set<String> KNOWN = Set.of(STREAM_NAME, REGION, ENDPOINT_URL, STARTING_POSITION, STARTING_TIMESTAMP,
      MAX_RECORDS_PER_SHARD, MAX_FETCH_TIME, GET_RECORDS_LIMIT, GET_RECORDS_INTERVAL, LIST_SHARDS_INTERVAL, MAX_RETRIES, ROLE_ARN, ROLE_SESSION_NAME);

  public KinesisSourceOptions {
    if (streamName == null || streamName.isBlank()) throw new IllegalArgumentException("convoy-kinesis: option '" + STREAM_NAME + "' is required");
    if (region == null || region.isBlank()) throw new IllegalArgumentException("convoy-kinesis: option '" + REGION + "' is required for stream '" + streamName + "'");
    // Kinesis: GetRecords returns at most 10,000 records; five calls per second per shard.
    if (getRecordsLimit < 1 || getRecordsLimit > 10_000) throw bad(GET_RECORDS_LIMIT, getRecordsLimit, "between 1 and 10000");
    if (maxRecordsPerShard < 1) throw bad(MAX_RECORDS_PER_SHARD, maxRecordsPerShard, "at least 1");
    if (maxRetries < 0) throw bad(MAX_RETRIES, maxRetries, "0 or more");
    if (listShardsInterval.isNegative()) throw bad(LIST_SHARDS_INTERVAL, listShardsInterval, "0 (every trigger) or more");
  }

  private static IllegalArgumentException bad(String option, Object value, String rule) {
    return new IllegalArgumentException("convoy-kinesis: option '" + option + "' is " + value + "; it must be " + rule);
  }

  /** Reads Spark's option map (any key case). */
  public static KinesisSourceOptions from(Map<String, String> raw) {
    Map<String, String> options = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    options.putAll(raw);
    for (String key : options.keySet()) {
      if (KNOWN.stream().noneMatch(k -> k.equalsIgnoreCase(key)) && !key.equalsIgnoreCase("path")) {
        throw new IllegalArgumentException("convoy-kinesis: unknown option '" + key + "'; known options: " + String.join(", ", KNOWN.stream().sorted().toList()));
      }
    }
    return new KinesisSourceOptions(
        options.get(STREAM_NAME),
        options.getOrDefault(REGION, System.getenv().getOrDefault("AWS_REGION", "us-east-1")),
        blankToNull(options.get(ENDPOINT_URL)),
        startingPosition(options.getOrDefault(STARTING_POSITION, "LATEST"), options.get(STARTING_TIMESTAMP)),
        integer(options, MAX_RECORDS_PER_SHARD, 10_000),
        duration(options, MAX_FETCH_TIME, "10s"),
        integer(options, GET_RECORDS_LIMIT, 10_000),
        duration(options, GET_RECORDS_INTERVAL, "200ms"),
        duration(options, LIST_SHARDS_INTERVAL, "1m"),
        integer(options, MAX_RETRIES, 8),
        blankToNull(options.get(ROLE_ARN)),
        options.getOrDefault(ROLE_SESSION_NAME, "convoy"));
  }

  private static StartingPosition startingPosition(String text, String timestamp) {
    return switch (text.strip().toUpperCase(Locale.ROOT)) {
      case "LATEST" -> new StartingPosition.Latest();
      case "TRIM_HORIZON", "EARLIEST" -> new StartingPosition.TrimHorizon();
      case "AT_TIMESTAMP" -> {
        if (timestamp == null) throw new IllegalArgumentException("convoy-kinesis: " + STARTING_POSITION
            + " AT_TIMESTAMP needs option '" + STARTING_TIMESTAMP + "' (ISO-8601, e.g. 2026-11-25T10:00:00Z)");
        try {
          yield new StartingPosition.AtTimestamp(Instant.parse(timestamp.strip()));
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException("convoy-kinesis: option '" + STARTING_TIMESTAMP + "' is '" + timestamp
              + "'; write an ISO-8601 instant such as 2026-11-25T10:00:00Z");
        }
      }
      default -> throw new IllegalArgumentException("convoy-kinesis: option '" + STARTING_POSITION + "' is '" + text
          + "'; use LATEST, TRIM_HORIZON or AT_TIMESTAMP");
    };
  }

  private static int integer(Map<String, String> options, String key, int fallback) {
    String value = options.get(key);
    if (value == null) return fallback;
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("convoy-kinesis: option '" + key + "' is '" + value + "'; it must be a whole number");
    }
  }

  private static Duration duration(Map<String, String> options, String key, String fallback) {
    return Durations.parse("convoy-kinesis: option '" + key + "'", options.getOrDefault(key, fallback));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  public KinesisEndpoint endpoint() {
    return KinesisEndpoint.of(region, endpointUrl);
  }

  /** A client for this stream: the default AWS credential chain, or that chain assuming {@code roleArn}. */
  public StreamProxy connect() {
    KinesisEndpoint endpoint = endpoint();
    AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    if (roleArn != null) {
      StsClient sts = StsClient.builder().region(endpoint.region()).credentialsProvider(credentials).build();
      credentials = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
          .refreshRequest(r -> r.roleArn(roleArn).roleSessionName(roleSessionName)).build();
    }
    return new SdkStreamProxy(endpoint.client(credentials), endpoint);
  }
}
