package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy.ReceivedRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kinesis Producer Library's aggregated record format: magic {@code F3 89 9A C2}, a protobuf
 * {@code AggregatedRecord} (partition-key table, records), then the MD5 of the protobuf. A record
 * that is not in this format, or whose digest does not match, is passed through whole, as the KCL does.
 * Sub-records keep the Kinesis record's arrival time; their sequence number is
 * {@code <kinesis sequence number>:<index>}, so dead letters stay unique per user record.
 */
public final class KplAggregation {

  private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
  private static final int DIGEST = 16;

  private KplAggregation() {}

  public static boolean isAggregated(byte[] data) {
    return data.length > MAGIC.length + DIGEST && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  public static List<ReceivedRecord> deaggregate(ReceivedRecord record) {
    byte[] data = record.data();
    if (!isAggregated(data)) return List.of(record);
    int end = data.length - DIGEST;
    byte[] digest = md5(data, MAGIC.length, end - MAGIC.length);
    if (!Arrays.equals(digest, 0, DIGEST, data, end, data.length)) return List.of(record);
    try {
      List<String> keys = new ArrayList<>();
      List<long[]> indexes = new ArrayList<>();
      List<byte[]> payloads = new ArrayList<>();
      Protobuf in = new Protobuf(data, MAGIC.length, end);
      while (in.more()) {
        int tag = (int) in.varint();
        switch (tag) {
          case (1 << 3) | 2 -> keys.add(new String(in.bytes(), StandardCharsets.UTF_8));
          case (3 << 3) | 2 -> {
            Protobuf r = in.message();
            long keyIndex = -1;
            byte[] payload = new byte[0];
            while (r.more()) {
              int t = (int) r.varint();
              if (t == (1 << 3)) keyIndex = r.varint();
              else if (t == ((3 << 3) | 2)) payload = r.bytes();
              else r.skip(t & 7);
            }
            indexes.add(new long[] {keyIndex});
            payloads.add(payload);
          }
          default -> in.skip(tag & 7);
        }
      }
      List<ReceivedRecord> out = new ArrayList<>(payloads.size());
      for (int i = 0; i < payloads.size(); i++) {
        long k = indexes.get(i)[0];
        if (k < 0 || k >= keys.size()) return List.of(record);
        out.add(new ReceivedRecord(record.sequenceNumber() + ":" + i, keys.get((int) k), record.arrivalTime(), payloads.get(i)));
      }
      return out;
    } catch (IndexOutOfBoundsException | IllegalStateException e) {
      return List.of(record); // a payload that merely starts with the magic bytes
    }
  }

  /** Aggregates user records (partition key → payload, in order) the way the KPL does; for tests and tools. */
  public static byte[] aggregate(List<Map.Entry<String, byte[]>> records) {
    Map<String, Integer> keyIndex = new LinkedHashMap<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (var r : records) keyIndex.putIfAbsent(r.getKey(), keyIndex.size());
    for (String key : keyIndex.keySet()) writeBytes(body, 1, key.getBytes(StandardCharsets.UTF_8));
    for (var r : records) {
      ByteArrayOutputStream one = new ByteArrayOutputStream();
      writeVarint(one, 1 << 3);
      writeVarint(one, keyIndex.get(r.getKey()));
      writeBytes(one, 3, r.getValue());
      writeBytes(body, 3, one.toByteArray());
    }
    byte[] proto = body.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(MAGIC);
    out.writeBytes(proto);
    out.writeBytes(md5(proto, 0, proto.length));
    return out.toByteArray();
  }

  private static void writeBytes(ByteArrayOutputStream out, int field, byte[] bytes) {
    writeVarint(out, (field << 3) | 2);
    writeVarint(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static byte[] md5(byte[] data, int offset, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      md.update(data, offset, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JDK", e);
    }
  }

  /** Just enough protobuf reading for the two messages above. */
  private static final class Protobuf {
    private final byte[] buf;
    private int pos;
    private final int end;

    Protobuf(byte[] buf, int pos, int end) {
      this.buf = buf;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) throw new IllegalStateException("truncated varint");
        byte b = buf[pos++];
        result |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) return result;
      }
      throw new IllegalStateException("malformed varint");
    }

    byte[] bytes() {
      int length = (int) varint();
      if (length < 0 || pos + length > end) throw new IllegalStateException("length past the end");
      byte[] out = Arrays.copyOfRange(buf, pos, pos + length);
      pos += length;
      return out;
    }

    Protobuf message() {
      int length = (int) varint();
      if (length < 0 || pos + length > end) throw new IllegalStateException("length past the end");
      Protobuf m = new Protobuf(buf, pos, pos + length);
      pos += length;
      return m;
    }

    void skip(int wireType) {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> pos += (int) varint();
        case 5 -> pos += 4;
        default -> throw new IllegalStateException("wire type " + wireType);
      }
      if (pos > end) throw new IllegalStateException("field past the end");
    }
  }
}
