package dev.convoy.control;

import dev.convoy.job.RestartPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.convoy.config.ConvoyConfig;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.job.Job;
import dev.convoy.control.JobState;
import dev.convoy.app.RunCommand;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import dev.convoy.tools.ProducePlan;
import dev.convoy.tools.Producer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The status page at {@code /} in a real headless Chromium, served by a live driver on the local stack:
 * it lists every job, escapes what jobs report, refuses the buttons without the token, and with it
 * restarts one job while the others keep committing batches. Chromium and chromedriver come from
 * {@code bin/convoy browser} (Debian's packages); CONVOY_CHROMIUM and CONVOY_CHROMEDRIVER override.
 */
class StatusPageIT {

  /** An error text a coded job could throw: shown as text, it must never become markup. */
  private static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\"> rule 42 broke";

  private final LocalStack stack = LocalStack.fromEnvironment();
  private final KinesisClient kinesis = stack.kinesis();
  private final String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  private final Map<EventType, String> streams = new EnumMap<>(EventType.class);
  private final AtomicBoolean producing = new AtomicBoolean(true);
  private final List<Thread> producers = new ArrayList<>();
  private WebDriver browser;
  @TempDir Path work;

  @BeforeEach
  void openBrowser() {
    String chromium = System.getenv().getOrDefault("CONVOY_CHROMIUM", "/usr/lib/chromium/chromium");
    String chromedriver = System.getenv().getOrDefault("CONVOY_CHROMEDRIVER", "/usr/bin/chromedriver");
    assertThat(new File(chromium)).as("Chromium (install it with 'bin/convoy browser')").canRead();
    assertThat(new File(chromedriver)).as("chromedriver (install it with 'bin/convoy browser')").canRead();
    ChromeOptions options = new ChromeOptions().setBinary(chromium)
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1600,480");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    producing.set(false);
    for (Thread t : producers) t.join();
    if (browser != null) browser.quit();
    streams.values().forEach(s -> Streams.deleteQuietly(kinesis, s));
    kinesis.close();
  }

  @Test
  void thePageListsEveryJobEscapesWhatTheyReportAndRestartsOneOnlyWithTheToken() throws Exception {
    for (EventType t : List.of(EventType.SENT, EventType.OPENED, EventType.CLICKED)) {
      String stream = "it-page-" + t.shortName() + "-" + UUID.randomUUID();
      Streams.create(kinesis, stream, 1);
      streams.put(t, stream);
    }
    StringBuilder yaml = new StringBuilder(LocalStack.driverConfigHead(5, work));
    streams.forEach((t, stream) -> yaml.append("""
          - name: %s
            stream: %s
            eventType: %s
            source: builtin
            table: it_page_%s_%s
            trigger: 500ms
        """.formatted(name(t), stream, t.shortName(), run, t.shortName())));
    producers.add(Thread.ofVirtual().start(this::produceUntilDone));

    try (RunCommand.Running driver = RunCommand.start(ConvoyConfig.parse("test", yaml.toString(), stack.driverEnv()), stack.driverEnv())) {
      String broken = "rules-" + run;
      driver.driver().add(brokenCodedJob(broken, driver));
      String token = Files.readString(driver.stateDir().resolve("control.token")).strip();
      String sent = name(EventType.SENT);
      browser.get(driver.control().address() + "/");

      // Every job is listed; the broken one's error is shown as text, not run as markup.
      await().atMost(Duration.ofMinutes(2)).ignoreExceptions().untilAsserted(() -> {
        for (EventType t : streams.keySet()) assertThat(cell(name(t), "state")).isEqualTo("RUNNING");
        assertThat(cell(broken, "state")).isEqualTo("FAILED");
      });
      assertThat(cell(broken, "error")).contains(HOSTILE);
      assertThat(row(broken).findElements(By.tagName("img"))).isEmpty();
      assertThat(browser.getTitle()).isEqualTo("Convoy");
      assertThat(browser.findElement(By.id("health")).getText()).isEqualTo("a job FAILED");

      // Sparklines fill as batches commit.
      await().atMost(Duration.ofMinutes(1)).ignoreExceptions().untilAsserted(() -> {
        for (EventType t : streams.keySet()) {
          assertThat(Integer.parseInt(row(name(t)).findElement(By.cssSelector("svg.spark.duration")).getDomAttribute("data-points")))
              .isPositive();
          assertThat(row(name(t)).findElement(By.cssSelector("td.duration span.value")).getText()).as("the last batch's ms").matches("[1-9][0-9]*");
          assertThat(row(name(t)).findElement(By.cssSelector("td.lag span.value")).getText()).matches("[0-9]+");
        }
      });

      // Without the token a button is refused, and the job is not touched.
      button(sent, "restart").click();
      await().atMost(Duration.ofSeconds(30)).until(() -> message().startsWith("refused: restart " + sent));
      assertThat(driver.driver().status(sent).state()).isEqualTo(JobState.RUNNING);

      // With it, the job restarts and comes back while the others keep committing batches.
      browser.findElement(By.id("token")).sendKeys(token);
      browser.findElement(By.id("token-use")).click();
      assertThat(browser.findElement(By.id("token-state")).getText()).contains("token set");
      assertThat(browser.getPageSource()).as("the token is never in the page").doesNotContain(token);
      Map<String, Long> before = new LinkedHashMap<>();
      for (EventType t : List.of(EventType.OPENED, EventType.CLICKED)) before.put(name(t), Long.parseLong(cell(name(t), "batch")));
      button(sent, "restart").click();
      await().atMost(Duration.ofMinutes(1)).until(() -> message().matches("restart " + sent + ": now (PENDING|STARTING|RUNNING)"));
      await().atMost(Duration.ofMinutes(1)).ignoreExceptions().untilAsserted(() -> {
        assertThat(cell(sent, "state")).isEqualTo("RUNNING");
        before.forEach((job, batch) -> assertThat(Long.parseLong(cell(job, "batch"))).as("%s keeps committing", job).isGreaterThan(batch));
      });
      assertThat(browser.getCurrentUrl()).doesNotContain(token);
      screenshot("status-page.png");
    }
  }

  /** A coded job whose business rule throws when its query starts: the driver shows its error and, with no restarts left, FAILED. */
  private Job brokenCodedJob(String name, RunCommand.Running driver) {
    Job template = driver.driver().job(name(EventType.SENT));
    return new Job(name,
        new Job.Settings(Duration.ofSeconds(1), work.resolve("checkpoints").resolve(name).toString(), 1, 1,
            new RestartPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1))),
        template.source(), template.decode(),
        events -> {
          throw new IllegalStateException(HOSTILE);
        },
        template.sink());
  }

  private String name(EventType t) {
    return t.shortName() + "-" + run;
  }

  private WebElement row(String job) {
    return browser.findElement(By.cssSelector("tr[data-job='" + job + "']"));
  }

  private String cell(String job, String column) {
    return row(job).findElement(By.cssSelector("td." + column)).getText();
  }

  private WebElement button(String job, String action) {
    return row(job).findElement(By.cssSelector("button[data-action='" + action + "']"));
  }

  private String message() {
    return browser.findElement(By.id("message")).getText();
  }

  private void screenshot(String file) throws Exception {
    ((ChromeDriver) browser).executeScript("document.querySelector('main').scrollLeft = 0; window.scrollTo(0, 0);");
    byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
    Path target = Path.of("target", "screenshots");
    Files.createDirectories(target);
    Files.write(target.resolve(file), png);
    // make screenshots copies them into docs/ (the README shows one).
    String docs = System.getProperty("convoy.screenshots");
    if (docs != null) Files.write(Path.of(docs).resolve(file), png);
  }

  /** A trickle into every stream until the test ends, so batch ids move. */
  private void produceUntilDone() {
    Map<EventType, Double> mix = new EnumMap<>(EventType.class);
    streams.keySet().forEach(t -> mix.put(t, 1.0));
    try (var proxy = stack.streamProxy()) {
      while (producing.get()) {
        Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        ProducePlan plan = new ProducePlan(streams, mix, Optional.of(30L), Optional.empty(), 20, ThreadLocalRandom.current().nextLong(),
            end.minus(Duration.ofHours(2)), end, 0, Duration.ofHours(48), 0.05, 200, 80, 3, WireProtocol.COMPACT);
        new Producer(proxy, p -> {}).run(plan);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
