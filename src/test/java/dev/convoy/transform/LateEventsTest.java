package dev.convoy.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The window arithmetic the late-event count relies on must be Spark's: windows aligned to the epoch. */
class LateEventsTest {

  private static final long HOUR = Duration.ofHours(1).toMillis();

  private static long ms(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void anEventBelongsToTheWindowStartingAtOrBeforeIt() {
    assertThat(LateEvents.windowEnd(ms("2026-11-25T10:00:00Z"), HOUR)).isEqualTo(ms("2026-11-25T11:00:00Z"));
    assertThat(LateEvents.windowEnd(ms("2026-11-25T10:59:59.999Z"), HOUR)).isEqualTo(ms("2026-11-25T11:00:00Z"));
    assertThat(LateEvents.windowEnd(ms("2026-11-25T11:00:00Z"), HOUR)).isEqualTo(ms("2026-11-25T12:00:00Z"));
  }

  @Test
  void windowsOtherThanAnHourAndTimesBeforeTheEpochAlignTheSameWay() {
    long fifteen = Duration.ofMinutes(15).toMillis();
    assertThat(LateEvents.windowEnd(ms("2026-11-25T10:44:00Z"), fifteen)).isEqualTo(ms("2026-11-25T10:45:00Z"));
    assertThat(LateEvents.windowEnd(ms("1969-12-31T23:30:00Z"), HOUR)).isEqualTo(ms("1970-01-01T00:00:00Z"));
    assertThat(LateEvents.windowEnd(ms("1969-12-31T23:00:00Z"), HOUR)).isEqualTo(ms("1970-01-01T00:00:00Z"));
  }
}
