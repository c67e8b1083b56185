package dev.convoy.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoy.events.Decoded;
import dev.convoy.events.EventDecoder;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {

  static final Instant FROM = Instant.parse("2026-11-24T00:00:00Z");

  static ProducePlan plan(long seed, double late, double malformed) {
    Map<EventType, String> streams = new EnumMap<>(EventType.class);
    Map<EventType, Double> mix = new EnumMap<>(EventType.class);
    for (EventType t : EventType.values()) {
      streams.put(t, "s-" + t.shortName());
      mix.put(t, t == EventType.SENT ? 3.0 : 1.0);
    }
    return new ProducePlan(streams, mix, Optional.of(1000L), Optional.empty(), 0, seed, FROM, FROM.plus(Duration.ofHours(3)),
        late, Duration.ofHours(48), malformed, 50, 20, 3, WireProtocol.COMPACT);
  }

  static List<EventGenerator.Planned> draw(ProducePlan plan, int n) {
    EventGenerator g = new EventGenerator(plan);
    List<EventGenerator.Planned> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(g.next());
    return out;
  }

  @Test
  void theSameSeedGivesTheSameRecords() {
    List<EventGenerator.Planned> a = draw(plan(7, 0.1, 0.1), 500);
    List<EventGenerator.Planned> b = draw(plan(7, 0.1, 0.1), 500);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).data()).isEqualTo(a.get(i).data());
      assertThat(b.get(i).stream()).isEqualTo(a.get(i).stream());
    }
    List<EventGenerator.Planned> c = draw(plan(8, 0.1, 0.1), 500);
    assertThat(Arrays.equals(c.get(0).data(), a.get(0).data()) && Arrays.equals(c.get(1).data(), a.get(1).data())).isFalse();
  }

  @Test
  void eventsFollowThePlan() {
    EventDecoder decoder = EventDecoder.anyType(WireProtocol.COMPACT);
    int malformed = 0, late = 0, sent = 0;
    for (EventGenerator.Planned p : draw(plan(1, 0.1, 0.1), 5_000)) {
      Decoded d = decoder.decode(p.data());
      if (p.malformed()) {
        malformed++;
        assertThat(d).isInstanceOf(Decoded.Invalid.class);
        continue;
      }
      var event = ((Decoded.Valid) d).event();
      assertThat(event.type()).isEqualTo(p.type());
      assertThat(p.stream()).isEqualTo("s-" + p.type().shortName());
      if (p.late()) {
        late++;
        assertThat(event.eventTime()).isBefore(FROM.minus(Duration.ofHours(48)));
      } else {
        assertThat(event.eventTime()).isBetween(FROM, FROM.plus(Duration.ofHours(3)).minusMillis(1));
      }
      if (p.type() == EventType.SENT) sent++;
    }
    assertThat(malformed).isBetween(400, 600);
    assertThat(late).isBetween(400, 600);
    assertThat(sent).isBetween(1_750, 2_100); // weight 3 of 7, of the ~4,500 well-formed events
  }

  @Test
  void badPlansAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> plan(1, 0.7, 0.5)).hasMessageContaining("--late-share plus --malformed-share");
  }
}
