package dev.convoy.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

  static final long T = Instant.parse("2026-11-24T10:15:30Z").toEpochMilli();

  static List<Event> oneOfEach() {
    return List.of(
        new Event.EmailSent("e-1", "s-1", "c-1", T),
        new Event.EmailOpened("e-2", "s-2", "c-2", T + 1),
        new Event.EmailClicked("e-3", "s-3", "c-3", T + 2, "https://example.com/a?b=ü"),
        new Event.EmailBounced("e-4", "s-4", "c-4", T + 3, Event.Bounce.SOFT),
        new Event.Unsubscribed("e-5", "s-5", "c-5", T + 4));
  }

  static Stream<Arguments> everyTypeInEveryProtocol() {
    return Stream.of(WireProtocol.values()).flatMap(p -> oneOfEach().stream().map(e -> Arguments.of(p, e)));
  }

  @ParameterizedTest(name = "{1} in {0}")
  @MethodSource("everyTypeInEveryProtocol")
  void eachEventTypeRoundTripsInEachProtocol(WireProtocol protocol, Event event) {
    byte[] payload = new EventEncoder(protocol).encode(event);
    Decoded decoded = EventDecoder.forType(event.type(), protocol).decode(payload);
    assertThat(decoded).isEqualTo(new Decoded.Valid(event));
  }

  @Test
  void oneDecoderDecodesManyPayloadsInARow() {
    // The transport is reused: its consumed-size budget must be reset on every payload.
    EventDecoder decoder = EventDecoder.anyType(WireProtocol.COMPACT);
    EventEncoder encoder = new EventEncoder(WireProtocol.COMPACT);
    for (int i = 0; i < 20_000; i++) {
      Event e = new Event.EmailClicked("email-" + i, "s", "c", T, "u".repeat(100));
      assertThat(decoder.decode(encoder.encode(e))).isEqualTo(new Decoded.Valid(e));
    }
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void aPayloadFromANewerProducerWithExtraFieldsDecodesWithThisReader(WireProtocol protocol) throws Exception {
    // What a newer EmailSent with fields 5 (string) and 6 (struct) writes: this reader skips them.
    TMemoryBuffer buffer = new TMemoryBuffer(256);
    TProtocol out = protocol == WireProtocol.COMPACT ? new TCompactProtocol(buffer)
        : new org.apache.thrift.protocol.TBinaryProtocol(buffer);
    out.writeStructBegin(new TStruct("EmailEvent"));
    out.writeFieldBegin(new TField("sent", TType.STRUCT, (short) 1));
    out.writeStructBegin(new TStruct("EmailSent"));
    writeString(out, 1, "e-9");
    writeString(out, 2, "s-9");
    writeString(out, 3, "c-9");
    out.writeFieldBegin(new TField("eventTimeMillis", TType.I64, (short) 4));
    out.writeI64(T);
    out.writeFieldEnd();
    writeString(out, 5, "a field this reader does not know");
    out.writeFieldBegin(new TField("device", TType.STRUCT, (short) 6));
    out.writeStructBegin(new TStruct("Device"));
    writeString(out, 1, "mobile");
    out.writeFieldStop();
    out.writeStructEnd();
    out.writeFieldEnd();
    out.writeFieldStop();
    out.writeStructEnd();
    out.writeFieldEnd();
    out.writeFieldStop();
    out.writeStructEnd();
    byte[] payload = java.util.Arrays.copyOf(buffer.getArray(), buffer.length());

    assertThat(EventDecoder.forType(EventType.SENT, protocol).decode(payload))
        .isEqualTo(new Decoded.Valid(new Event.EmailSent("e-9", "s-9", "c-9", T)));
  }

  @Test
  void anEventTypeFromANewerProducerIsADeadLetterNotAWrongEvent() throws Exception {
    TMemoryBuffer buffer = new TMemoryBuffer(64);
    TProtocol out = new TCompactProtocol(buffer);
    out.writeStructBegin(new TStruct("EmailEvent"));
    out.writeFieldBegin(new TField("forwarded", TType.STRUCT, (short) 6));
    out.writeStructBegin(new TStruct("EmailForwarded"));
    writeString(out, 1, "e-1");
    out.writeFieldStop();
    out.writeStructEnd();
    out.writeFieldEnd();
    out.writeFieldStop();
    out.writeStructEnd();
    byte[] payload = java.util.Arrays.copyOf(buffer.getArray(), buffer.length());

    assertThat(EventDecoder.anyType(WireProtocol.COMPACT).decode(payload))
        .isInstanceOfSatisfying(Decoded.Invalid.class, i -> assertThat(i.error()).contains("no known event type"));
  }

  @Test
  void aPayloadOfAnotherTypeIsRefusedNamingBothTypes() {
    byte[] bounced = new EventEncoder(WireProtocol.COMPACT).encode(oneOfEach().get(3));
    assertThat(EventDecoder.forType(EventType.CLICKED, WireProtocol.COMPACT).decode(bounced))
        .isEqualTo(new Decoded.Invalid("event type EmailBounced where EmailClicked was expected"));
  }

  @Test
  void aPayloadInTheOtherProtocolIsRefused() {
    byte[] binary = new EventEncoder(WireProtocol.BINARY).encode(oneOfEach().get(0));
    assertThat(EventDecoder.forType(EventType.SENT, WireProtocol.COMPACT).decode(binary))
        .isInstanceOf(Decoded.Invalid.class);
  }

  @Test
  void missingFieldsAreNamed() {
    EventEncoder encoder = new EventEncoder(WireProtocol.COMPACT);
    EventDecoder decoder = EventDecoder.anyType(WireProtocol.COMPACT);
    assertThat(decoder.decode(encoder.encode(new Event.EmailSent("e", "", "c", T))))
        .isEqualTo(new Decoded.Invalid("EmailSent: subscriberId is missing"));
    assertThat(decoder.decode(encoder.encode(new Event.EmailClicked("e", "s", "c", T, ""))))
        .isEqualTo(new Decoded.Invalid("EmailClicked: url is missing"));
    assertThat(decoder.decode(encoder.encode(new Event.Unsubscribed("e", "s", "c", 5))))
        .isEqualTo(new Decoded.Invalid("Unsubscribed: eventTimeMillis 5 is not between 2000 and 2100"));
  }

  @Test
  void emptyOversizedAndTrailingBytesAreRefused() {
    EventDecoder decoder = new EventDecoder(WireProtocol.COMPACT, EnumSet.allOf(EventType.class), 64);
    byte[] good = new EventEncoder(WireProtocol.COMPACT).encode(oneOfEach().get(0));
    assertThat(decoder.decode(new byte[0])).isEqualTo(new Decoded.Invalid("empty payload"));
    assertThat(decoder.decode(null)).isEqualTo(new Decoded.Invalid("empty payload"));
    assertThat(decoder.decode(new byte[65])).isEqualTo(new Decoded.Invalid("payload of 65 bytes exceeds the limit of 64"));
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 2);
    assertThat(decoder.decode(trailing)).isEqualTo(new Decoded.Invalid("2 bytes after the end of the event (corrupt payload?)"));
    assertThat(decoder.decode(good)).isInstanceOf(Decoded.Valid.class);
  }

  @Test
  void aDeadLetterKeepsThePayloadExactly() {
    byte[] payload = {0, 1, 2, (byte) 0xff, 42};
    DeadLetter d = DeadLetter.of("job", "stream", "49590", "pk", Instant.EPOCH, "bad", payload);
    assertThat(d.payload()).containsExactly(payload);
  }

  private static void writeString(TProtocol out, int id, String value) throws Exception {
    out.writeFieldBegin(new TField("f" + id, TType.STRING, (short) id));
    out.writeString(value);
    out.writeFieldEnd();
  }
}
