package dev.convoy.source.kinesis;

import dev.convoy.source.kinesis.proxy.StreamProxy.ReceivedRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A shard slice's records packed into one byte array. Spark ships every partition of a batch inside
 * each task's closure, so a list of objects would be Java-serialised once per task; one array is a copy.
 */
record RecordBlock(int count, byte[] bytes) implements Serializable {

  static RecordBlock of(List<ReceivedRecord> records) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(records.size() * 160);
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      for (ReceivedRecord r : records) {
        out.writeUTF(r.sequenceNumber());
        out.writeUTF(r.partitionKey());
        out.writeLong(r.arrivalTime().getEpochSecond());
        out.writeInt(r.arrivalTime().getNano());
        out.writeInt(r.data().length);
        out.write(r.data());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RecordBlock(records.size(), buffer.toByteArray());
  }

  List<ReceivedRecord> records() {
    List<ReceivedRecord> records = new ArrayList<>(count);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      for (int i = 0; i < count; i++) {
        String seq = in.readUTF();
        String key = in.readUTF();
        Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        records.add(new ReceivedRecord(seq, key, at, data));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }
}
