package dev.convoy.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random, truncated and bit-flipped payloads: each becomes a valid event or a dead letter; no
 * exception escapes; every input that cannot be an event is a dead letter that keeps its bytes.
 */
class DecoderFuzzTest {

  private static final int CASES_PER_KIND = 4_000;

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void everyPayloadIsAnEventOrADeadLetter(WireProtocol protocol) {
    SplittableRandom random = new SplittableRandom(20261124L + protocol.ordinal());
    EventEncoder encoder = new EventEncoder(protocol);
    EventDecoder decoder = EventDecoder.anyType(protocol);
    List<byte[]> valid = new ArrayList<>();
    for (int i = 0; i < 200; i++) valid.add(encoder.encode(randomEvent(random, i)));

    List<byte[]> knownInvalid = new ArrayList<>();
    List<byte[]> unknown = new ArrayList<>();
    for (int i = 0; i < CASES_PER_KIND; i++) {
      byte[] base = valid.get(random.nextInt(valid.size()));
      // A strict prefix misses at least the final stop byte, so it can never be an event.
      knownInvalid.add(Arrays.copyOf(base, random.nextInt(base.length)));
      byte[] flipped = base.clone();
      for (int f = 1 + random.nextInt(3); f > 0; f--) flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
      unknown.add(flipped);
      byte[] noise = new byte[random.nextInt(1, 200)];
      random.nextBytes(noise);
      unknown.add(noise);
    }

    List<DeadLetter> deadLetters = new ArrayList<>();
    int events = 0;
    int inputs = 0;
    for (List<byte[]> batch : List.of(knownInvalid, unknown, valid)) {
      for (byte[] payload : batch) {
        inputs++;
        String seq = Integer.toString(inputs);
        Decoded[] out = new Decoded[1];
        assertThatCode(() -> out[0] = decoder.decode(payload)).doesNotThrowAnyException();
        switch (out[0]) {
          case Decoded.Valid v -> {
            events++;
            assertThat(v.event().emailId()).isNotEmpty();
            // A payload that decodes must mean the same thing when written again.
            assertThat(decoder.decode(encoder.encode(v.event()))).isEqualTo(v);
          }
          case Decoded.Invalid i -> {
            assertThat(i.error()).isNotBlank();
            deadLetters.add(DeadLetter.of("fuzz", "fuzz-stream", seq, "pk", Instant.EPOCH, i.error(), payload));
          }
        }
      }
    }

    assertThat(inputs).isGreaterThanOrEqualTo(10_000);
    assertThat(events + deadLetters.size()).isEqualTo(inputs);
    // Every truncated payload is a dead letter, every untouched payload an event.
    assertThat(deadLetters.stream().filter(d -> Integer.parseInt(d.sequenceNumber()) <= knownInvalid.size()))
        .hasSize(knownInvalid.size());
    assertThat(deadLetters).noneMatch(d -> Integer.parseInt(d.sequenceNumber()) > knownInvalid.size() + unknown.size());
    // Dead letters keep their payload byte for byte.
    for (DeadLetter d : deadLetters) {
      int index = Integer.parseInt(d.sequenceNumber()) - 1;
      byte[] original = index < knownInvalid.size() ? knownInvalid.get(index) : unknown.get(index - knownInvalid.size());
      assertThat(d.payload()).isEqualTo(original);
    }
  }

  static Event randomEvent(SplittableRandom r, int i) {
    long t = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli() + r.nextLong(86_400_000L * 20);
    String email = "email-" + r.nextInt(1_000_000);
    String sub = "sub-" + r.nextInt(10_000);
    String campaign = "campaign-" + r.nextInt(50);
    return switch (i % 5) {
      case 0 -> new Event.EmailSent(email, sub, campaign, t);
      case 1 -> new Event.EmailOpened(email, sub, campaign, t);
      case 2 -> new Event.EmailClicked(email, sub, campaign, t, "https://example.com/p/" + r.nextInt(100));
      case 3 -> new Event.EmailBounced(email, sub, campaign, t, Event.Bounce.values()[r.nextInt(3)]);
      default -> new Event.Unsubscribed(email, sub, campaign, t);
    };
  }
}
