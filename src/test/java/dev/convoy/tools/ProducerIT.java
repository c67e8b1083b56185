package dev.convoy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoy.events.Decoded;
import dev.convoy.events.Event;
import dev.convoy.events.EventDecoder;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.source.kinesis.proxy.KinesisAccessException;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The producer against kinesis-local: what it reports is exactly what the streams hold. */
class ProducerIT {

  private final LocalStack stack = LocalStack.fromEnvironment();
  private final KinesisClient kinesis = stack.kinesis();
  private final List<String> streams = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    streams.forEach(s -> Streams.deleteQuietly(kinesis, s));
    kinesis.close();
  }

  @Test
  void theReportListsExactlyTheRecordsTheStreamsHold() throws Exception {
    String sends = newStream(4);
    String others = newStream(2);
    Map<EventType, String> routing = new EnumMap<>(EventType.class);
    for (EventType t : EventType.values()) routing.put(t, t == EventType.SENT ? sends : others);
    ProducePlan plan = plan(routing, 3_000, 0.05, 0.03);

    ProduceReport report;
    try (StreamProxy proxy = stack.streamProxy()) {
      report = new Producer(proxy, p -> {}).run(plan);
    }

    assertThat(report.written()).isEqualTo(3_000);
    assertThat(countsIn(sends, others)).isEqualTo(expectedFrom(report));
  }

  @Test
  void rejectedAndThrottledPutsAreRetriedNotLostNorDoubled() throws Exception {
    String stream = newStream(2);
    Map<EventType, String> routing = new EnumMap<>(EventType.class);
    for (EventType t : EventType.values()) routing.put(t, stream);
    ProducePlan plan = plan(routing, 1_200, 0, 0.02);

    ProduceReport report;
    try (StreamProxy real = stack.streamProxy()) {
      report = new Producer(new FlakyProxy(real), p -> {}).run(plan);
    }

    assertThat(report.retried()).isPositive();
    assertThat(report.written()).isEqualTo(1_200);
    assertThat(countsIn(stream)).isEqualTo(expectedFrom(report));
  }

  @Test
  void aMissingStreamFailsNamingStreamAndEndpoint() {
    Map<EventType, String> routing = new EnumMap<>(EventType.class);
    for (EventType t : EventType.values()) routing.put(t, "no-such-stream-" + UUID.randomUUID());
    try (StreamProxy proxy = stack.streamProxy()) {
      var producer = new Producer(proxy, p -> {});
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> producer.run(plan(routing, 10, 0, 0)))
          .isInstanceOf(Producer.ProduceFailedException.class)
          .hasMessageContaining("no-such-stream-")
          .hasMessageContaining(stack.kinesisEndpoint().toString());
    }
  }

  private ProducePlan plan(Map<EventType, String> routing, long count, double late, double malformed) {
    Map<EventType, Double> mix = new EnumMap<>(EventType.class);
    for (EventType t : EventType.values()) mix.put(t, 1.0);
    Instant from = Instant.parse("2026-11-24T00:00:00Z");
    return new ProducePlan(routing, mix, Optional.of(count), Optional.empty(), 0, 42, from, from.plus(Duration.ofHours(5)),
        late, Duration.ofHours(48), malformed, 300, 100, 4, WireProtocol.COMPACT);
  }

  private String newStream(int shards) {
    String name = "it-produce-" + UUID.randomUUID();
    Streams.create(kinesis, name, shards);
    streams.add(name);
    return name;
  }

  /** stream/type/hour → events, and stream/malformed → records, decoded from what the streams hold. */
  private Map<String, Long> countsIn(String... names) {
    EventDecoder decoder = EventDecoder.anyType(WireProtocol.COMPACT);
    Map<String, Long> counts = new TreeMap<>();
    for (String stream : names) {
      for (Record r : Streams.readAll(kinesis, stream)) {
        String key = switch (decoder.decode(r.data().asByteArray())) {
          case Decoded.Valid v -> stream + "/" + v.event().type().shortName() + "/" + hour(v.event());
          case Decoded.Invalid i -> stream + "/malformed";
        };
        counts.merge(key, 1L, Long::sum);
      }
    }
    return counts;
  }

  private static Map<String, Long> expectedFrom(ProduceReport report) {
    Map<String, Long> counts = new TreeMap<>();
    report.buckets().forEach((b, c) ->
        counts.put(b.stream() + "/" + b.type().shortName() + "/" + b.hour(), c.onTime() + c.late()));
    report.malformed().forEach((s, n) -> counts.put(s + "/malformed", n));
    return counts;
  }

  private static Instant hour(Event e) {
    return e.eventTime().truncatedTo(ChronoUnit.HOURS);
  }

  /**
   * The real proxy, with Kinesis's two failure modes injected (kinesis-local does not throttle): every
   * fourth call is throttled whole, and in other calls every third record is rejected — and, as in
   * Kinesis, a rejected record is not written.
   */
  private static final class FlakyProxy implements StreamProxy {
    private final StreamProxy real;
    private final AtomicInteger calls = new AtomicInteger();

    FlakyProxy(StreamProxy real) {
      this.real = real;
    }

    @Override
    public List<PutResult> putRecords(String stream, List<OutgoingRecord> records) {
      int call = calls.incrementAndGet();
      if (call % 4 == 0) throw new KinesisAccessException("PutRecords throttled (injected)", true, null);
      List<OutgoingRecord> passed = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) if (i % 3 != 1 || records.size() == 1) passed.add(records.get(i));
      List<PutResult> realResults = real.putRecords(stream, passed);
      List<PutResult> results = new ArrayList<>();
      for (int i = 0, j = 0; i < records.size(); i++) {
        if (i % 3 != 1 || records.size() == 1) results.add(realResults.get(j++));
        else results.add(new PutResult.Rejected("ProvisionedThroughputExceededException", "Rate exceeded for shard (injected)"));
      }
      return results;
    }

    @Override
    public List<Shard> shards(String stream) {
      return real.shards(stream);
    }

    @Override
    public String iterator(String stream, String shardId, Position position) {
      return real.iterator(stream, shardId, position);
    }

    @Override
    public Page getRecords(String stream, String iterator, int limit) {
      return real.getRecords(stream, iterator, limit);
    }

    @Override
    public void close() {}
  }
}
