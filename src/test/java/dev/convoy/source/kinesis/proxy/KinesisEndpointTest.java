package dev.convoy.source.kinesis.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The clients Convoy makes: a driver has one per job, so what each one costs in threads matters. */
class KinesisEndpointTest {

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
  }

  @Test
  void clientsShareOneTimerThreadForTheirCallTimeoutsInsteadOfAPoolEach() {
    // Nothing listens on port 1: each call fails at once, after the SDK scheduled its call timeout.
    KinesisEndpoint nowhere = KinesisEndpoint.of("us-east-1", "http://127.0.0.1:1");
    long sdkTimersBefore = threadsNamed("sdk-ScheduledExecutor");
    List<KinesisClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        KinesisClient client = nowhere.client(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")));
        clients.add(client);
        assertThatThrownBy(() -> client.listStreams(b -> b.limit(1))).isInstanceOf(SdkClientException.class);
      }
      assertThat(threadsNamed("sdk-ScheduledExecutor")).as("the SDK's own timeout threads, 5 a client before").isEqualTo(sdkTimersBefore);
      assertThat(threadsNamed("convoy-kinesis-timeouts")).isEqualTo(1);
    } finally {
      clients.forEach(KinesisClient::close);
    }
    // A closed client leaves the shared timer running for the next one (a stopped job's restart).
    try (KinesisClient next = nowhere.client(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))) {
      assertThatThrownBy(() -> next.listStreams(b -> b.limit(1))).isInstanceOf(SdkClientException.class)
          .hasMessageContaining("127.0.0.1:1");
    }
  }
}
