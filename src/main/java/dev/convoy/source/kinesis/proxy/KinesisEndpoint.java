package dev.convoy.source.kinesis.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Where Kinesis is: a region and, for the local stack or a VPC endpoint, an endpoint URL.
 * Credentials come from the default AWS chain (environment, profile, instance role).
 */
public record KinesisEndpoint(Region region, Optional<URI> endpointUrl) {

  public KinesisEndpoint {
    if (region == null) throw new IllegalArgumentException("region is required");
    endpointUrl = endpointUrl == null ? Optional.empty() : endpointUrl;
  }

  public static KinesisEndpoint of(String region, String endpointUrl) {
    return new KinesisEndpoint(Region.of(region),
        endpointUrl == null || endpointUrl.isBlank() ? Optional.empty() : Optional.of(URI.create(endpointUrl)));
  }

  /** Human-readable, for errors: "us-east-1 at http://127.0.0.1:4568". */
  public String describe() {
    return region.id() + endpointUrl.map(u -> " at " + u).orElse("");
  }

  public KinesisClient client(AwsCredentialsProvider credentials) {
    var builder = KinesisClient.builder()
        .region(region)
        .credentialsProvider(credentials)
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64).connectionTimeout(Duration.ofSeconds(5)))
        .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(60))
            .scheduledExecutorService(Timeouts.TIMER).build());
    endpointUrl.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  public KinesisClient client() {
    return client(DefaultCredentialsProvider.builder().build());
  }

  /**
   * One timer thread for the call timeouts of every Kinesis client in this JVM. Left to itself, the SDK
   * gives each client a pool that grows to 5 threads, and the driver has a client per job: 505 threads
   * at 100 jobs, doing nothing. Static because clients come and go with queries; the SDK never shuts
   * down a pool it was given, and a daemon thread does not hold the JVM up.
   */
  private static final class Timeouts {
    static final ScheduledExecutorService TIMER = timer();

    private static ScheduledExecutorService timer() {
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "convoy-kinesis-timeouts");
        t.setDaemon(true);
        return t;
      });
      // Each call schedules its timeout and cancels it when it returns: drop cancelled ones at once, not a minute later.
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    }
  }
}
