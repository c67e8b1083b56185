package dev.convoy.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceSelectionTest {

  private static final Map<String, String> JOB = Map.of("streamName", "email-sent", "region", "eu-west-1",
      "startingPosition", "AT_TIMESTAMP", "startingTimestamp", "2026-11-25T10:00:00Z", "maxFetchTime", "1500ms",
      "roleArn", "arn:aws:iam::123456789012:role/reader");

  private final SourceSelection onEmr = new SourceSelection(SourceSelection.AWS_CONNECTOR_PROVIDER::equals);
  private final SourceSelection elsewhere = new SourceSelection(name -> false);

  @Test
  void autoPicksTheBuiltInSourceEvenWhereTheConnectorIsOnTheClasspath() {
    assertThat(onEmr.resolve(SourceChoice.AUTO, JOB).format()).isEqualTo("convoy-kinesis");
    assertThat(onEmr.resolve(SourceChoice.AWS_KINESIS, JOB).format()).isEqualTo("aws-kinesis");
    assertThat(elsewhere.resolve(SourceChoice.AUTO, JOB).format()).isEqualTo("convoy-kinesis");
    assertThat(onEmr.resolve(SourceChoice.BUILTIN, JOB).format()).isEqualTo("convoy-kinesis");
  }

  @Test
  void oneSetOfJobOptionsMapsOntoTheConnectorsNames() {
    assertThat(onEmr.resolve(SourceChoice.AWS_KINESIS, JOB).options())
        .containsEntry("kinesis.streamName", "email-sent")
        .containsEntry("kinesis.region", "eu-west-1")
        .containsEntry("kinesis.endpointUrl", "https://kinesis.eu-west-1.amazonaws.com")
        .containsEntry("kinesis.consumerType", "GetRecords")
        .containsEntry("kinesis.startingPosition", "AT_TIMESTAMP 2026-11-25T10:00:00Z")
        .doesNotContainKey("kinesis.maxFetchTimePerShardSec")
        .containsEntry("kinesis.describeShardInterval", "60000ms")
        .containsEntry("kinesis.stsRoleArn", "arn:aws:iam::123456789012:role/reader");
    assertThat(elsewhere.resolve(SourceChoice.BUILTIN, JOB).options()).isEqualTo(JOB);
  }

  @Test
  void askingForTheConnectorWhereItIsMissingOrABadOptionFailsAtStartUp() {
    assertThatThrownBy(() -> elsewhere.resolve(SourceChoice.AWS_KINESIS, JOB)).hasMessageContaining("EMR 7.1");
    assertThatThrownBy(() -> onEmr.resolve(SourceChoice.AWS_KINESIS, Map.of("streamName", "s", "maxRecordsPerShard", "0")))
        .hasMessageContaining("'maxRecordsPerShard' is 0");
    assertThatThrownBy(() -> SourceChoice.parse("job 'sent' field 'source'", "kafka")).hasMessageContaining("job 'sent' field 'source'");
  }
}
