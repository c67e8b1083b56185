package dev.convoy.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The message worth showing is the first one that is not a wrapper's. */
class CausesTest {

  @Test
  void wrappersThatAddNothingAreSkipped() {
    Exception refused = new ConnectException("Connection refused");
    Exception sdk = new RuntimeException("Unable to execute HTTP request: Connection refused", refused);
    Exception spark = new RuntimeException("Query q [id = 1] terminated with exception: Unable to execute HTTP request: Connection refused", sdk);

    assertThat(Causes.message(spark)).isEqualTo("Connection refused");
    assertThat(Causes.message(new ExecutionException(new IllegalStateException("table t has no column x")))).isEqualTo("table t has no column x");
    assertThat(Causes.message(new UncheckedIOException(null, new java.io.IOException("disk full")))).isEqualTo("disk full");
  }

  @Test
  void aMessageOfItsOwnIsKeptOverItsCause() {
    Exception raw = new RuntimeException("Stream x under account 1 not found. (Service: Kinesis, Status Code: 400)");
    Exception ours = new IllegalStateException("stream 'x' does not exist (us-east-1); create it, or check the name and region", raw);

    assertThat(Causes.message(new RuntimeException("Query q terminated with exception: " + ours.getMessage(), ours))).isEqualTo(ours.getMessage());
  }

  @Test
  void noMessageAtAllNamesTheExceptionAndLongOnesAreCut() {
    assertThat(Causes.message(new NullPointerException())).isEqualTo("NullPointerException");
    assertThat(Causes.message(new RuntimeException("x".repeat(2_000)))).hasSize(Causes.MAX_LENGTH).endsWith("...");
  }
}
