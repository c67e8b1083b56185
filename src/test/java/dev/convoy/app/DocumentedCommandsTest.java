package dev.convoy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.convoy.cli.Subcommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every {@code bin/convoy} command the README and the runbook show parses with the commands' declared options. */
class DocumentedCommandsTest {

  private static final Pattern INLINE = Pattern.compile("`(bin/convoy [^`]+)`");

  @Test
  void everyDocumentedCommandLineUsesDeclaredOptionsOnly() throws Exception {
    Map<String, Subcommand> commands = Main.commands();
    List<String> lines = new ArrayList<>();
    for (String doc : List.of("README.md", "docs/runbook.md")) lines.addAll(commandLines(Files.readString(Path.of(doc))));
    List<String> checked = new ArrayList<>();
    for (String line : lines) {
      String[] words = line.split("\\s+");
      Subcommand command = commands.get(words[1]);
      if (command == null) continue; // stack, emr, mvn, bench …: shell commands with their own tests
      checked.add(line);
      assertThatCode(() -> command.command().parse(Arrays.copyOfRange(words, 2, words.length))).as(line).doesNotThrowAnyException();
    }
    assertThat(checked).as("the docs show run, jobs, apply, produce …").anyMatch(l -> l.startsWith("bin/convoy apply"))
        .anyMatch(l -> l.startsWith("bin/convoy run")).anyMatch(l -> l.startsWith("bin/convoy produce"));
  }

  /** {@code bin/convoy …} in backticks, and at the start of a line (a code block), without comments and continuations. */
  private static List<String> commandLines(String doc) {
    List<String> out = new ArrayList<>();
    Matcher m = INLINE.matcher(doc);
    while (m.find()) out.add(m.group(1).strip());
    String joined = doc.replace("\\\n", " ");
    for (String line : joined.split("\n")) {
      String l = line.strip();
      if (!l.startsWith("bin/convoy ")) continue;
      int comment = l.indexOf(" #");
      out.add((comment < 0 ? l : l.substring(0, comment)).strip());
    }
    return out.stream().filter(l -> !l.contains("|") && !l.contains("…") && !l.contains("...")).toList();
  }
}
