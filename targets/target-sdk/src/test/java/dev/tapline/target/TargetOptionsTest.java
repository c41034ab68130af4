package dev.tapline.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command lines read without picocli must be read exactly as picocli reads them. */
class TargetOptionsTest {

  @Test
  void plainCommandLinesReadAsPicocliReadsThem() {
    List<String[]> plain = List.of(
        new String[] {},
        new String[] {"--config", "a.json"},
        new String[] {"--config", "a.json", "--config", "ENV"},
        new String[] {"--config=a.json", "--input", "messages.jsonl"},
        new String[] {"--input=in.jsonl", "--config", "b c.json"},
        new String[] {"--config", "a=b.json"});
    for (String[] args : plain) {
      Target.Options fast = Target.Options.plain(args);
      assertNotNull(fast, String.join(" ", args));
      Target.Options picocli = new Target.Options();
      new CommandLine(picocli).parseArgs(args);
      assertEquals(picocli.configs, fast.configs, String.join(" ", args));
      assertEquals(picocli.input, fast.input, String.join(" ", args));
      assertEquals(picocli.about, fast.about);
      assertEquals(picocli.version, fast.version);
      assertEquals(picocli.help, fast.help);
    }
  }

  @Test
  void everyOtherCommandLineIsLeftToPicocli() {
    List<String[]> others = List.of(
        new String[] {"--about"},
        new String[] {"--version"},
        new String[] {"--help"},
        new String[] {"-h"},
        new String[] {"--config"},
        new String[] {"--config="},
        new String[] {"--config", "--about"},
        new String[] {"--config", "a.json", "--about", "--format", "markdown"},
        new String[] {"--input", "a", "--input", "b"},
        new String[] {"--config", "@args.txt"},
        new String[] {"@args.txt"},
        new String[] {"--configs", "a.json"},
        new String[] {"a.json"});
    for (String[] args : others) {
      assertNull(Target.Options.plain(args), String.join(" ", args));
    }
  }
}
