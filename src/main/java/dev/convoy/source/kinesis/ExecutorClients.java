package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kinesis clients of one executor JVM, one per endpoint, region and role, shared by every task
 * that reads with those options and closed when the JVM shuts down. Static because an executor has no
 * other object that outlives a task: Spark's Kafka source keeps its consumer pool the same way.
 */
final class ExecutorClients {

  private record Key(String region, String endpointUrl, String roleArn, String roleSessionName) {
    static Key of(KinesisSourceOptions o) {
      return new Key(o.region(), o.endpointUrl(), o.roleArn(), o.roleSessionName());
    }
  }

  private static final Map<Key, StreamProxy> CLIENTS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> CLIENTS.values().forEach(StreamProxy::close), "convoy-kinesis-clients"));
  }

  private ExecutorClients() {}

  static StreamProxy forOptions(KinesisSourceOptions options) {
    return CLIENTS.computeIfAbsent(Key.of(options), k -> options.connect());
  }
}
