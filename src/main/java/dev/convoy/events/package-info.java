/**
 * The event contract on the Java side: Convoy's event records ({@link dev.convoy.events.Event}),
 * decoding Thrift payloads into them without ever throwing ({@link dev.convoy.events.EventDecoder}),
 * encoding them for producers, and dead letters for payloads that do not decode. The wire types
 * generated from {@code src/main/thrift} live in {@code dev.convoy.events.thrift} and stop here.
 */
package dev.convoy.events;
