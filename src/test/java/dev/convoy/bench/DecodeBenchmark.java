package dev.convoy.bench;

import dev.convoy.events.Decoded;
import dev.convoy.events.Event;
import dev.convoy.events.EventDecoder;
import dev.convoy.events.EventEncoder;
import dev.convoy.events.WireProtocol;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode throughput per core (one thread): a realistic mix of the five event types, ids of the
 * producer's shape. Run with {@code make bench-decode}; results in docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class DecodeBenchmark {

  @Param({"COMPACT", "BINARY"})
  public WireProtocol protocol;

  private byte[][] payloads;
  private EventDecoder decoder;
  private int next;

  @Setup
  public void setUp() {
    SplittableRandom r = new SplittableRandom(1);
    EventEncoder encoder = new EventEncoder(protocol);
    payloads = new byte[1024][];
    long t = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();
    for (int i = 0; i < payloads.length; i++) {
      String email = "email-" + r.nextInt(1_000_000), sub = "sub-" + r.nextInt(100_000), c = "campaign-" + r.nextInt(50);
      long time = t + r.nextLong(86_400_000L);
      Event e = switch (i % 5) {
        case 0 -> new Event.EmailSent(email, sub, c, time);
        case 1 -> new Event.EmailOpened(email, sub, c, time);
        case 2 -> new Event.EmailClicked(email, sub, c, time, "https://example.com/l/" + r.nextInt(100));
        case 3 -> new Event.EmailBounced(email, sub, c, time, Event.Bounce.HARD);
        default -> new Event.Unsubscribed(email, sub, c, time);
      };
      payloads[i] = encoder.encode(e);
    }
    decoder = EventDecoder.anyType(protocol);
  }

  @Benchmark
  public Decoded decode() {
    byte[] p = payloads[next];
    next = (next + 1) & (payloads.length - 1);
    return decoder.decode(p);
  }
}
