package dev.convoy.events;

import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolFactory;
import org.apache.thrift.transport.TTransport;

/** The Thrift protocol of a stream's payloads. Compact is the default: smaller and as fast. */
public enum WireProtocol {
  COMPACT(new TCompactProtocol.Factory()),
  BINARY(new TBinaryProtocol.Factory());

  private final TProtocolFactory factory;

  WireProtocol(TProtocolFactory factory) {
    this.factory = factory;
  }

  TProtocol protocol(TTransport transport) {
    return factory.getProtocol(transport);
  }

  public static WireProtocol parse(String text) {
    return switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "compact" -> COMPACT;
      case "binary" -> BINARY;
      default -> throw new IllegalArgumentException("unknown protocol '" + text + "'; expected compact or binary");
    };
  }
}
