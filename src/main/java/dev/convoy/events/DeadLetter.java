package dev.convoy.events;

import java.time.Instant;
import java.util.Base64;

/**
 * A record that did not decode, kept whole so that nothing is lost: where it came from, why it was
 * refused, and its payload (base64, so it fits a VARCHAR column on Redshift and PostgreSQL alike).
 * Identified by stream and sequence number, which makes writing it idempotent. Serializable: tasks
 * hand dead letters to the driver, which writes them in the batch's transaction.
 */
public record DeadLetter(String job, String stream, String sequenceNumber, String partitionKey,
                         Instant arrivalTime, String error, String payloadBase64) implements java.io.Serializable {

  public static DeadLetter of(String job, String stream, String sequenceNumber, String partitionKey,
                              Instant arrivalTime, String error, byte[] payload) {
    return new DeadLetter(job, stream, sequenceNumber, partitionKey, arrivalTime, error,
        payload == null ? "" : Base64.getEncoder().encodeToString(payload));
  }

  public byte[] payload() {
    return Base64.getDecoder().decode(payloadBase64);
  }
}
